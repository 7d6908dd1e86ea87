import { interleaveBy, rotator } from './rotator';

describe('bench rotator', () => {
  it('returns every item once per cycle, in order, then wraps around', () => {
    const next = rotator(['a', 'b', 'c']);

    expect(Array.from({ length: 7 }, next)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('starts at the offset, modulo the length', () => {
    expect(Array.from({ length: 3 }, rotator(['a', 'b', 'c'], 4))).toEqual(['b', 'c', 'a']);
    expect(rotator(['a', 'b', 'c'], -1)()).toBe('c');
  });

  it('refuses an empty list', () => {
    expect(() => rotator([])).toThrow(RangeError);
  });

  it('interleaves items so consecutive ones belong to different groups, keeping every item', () => {
    const items = ['u1:a', 'u1:b', 'u1:c', 'u2:a', 'u3:a', 'u3:b'];

    const out = interleaveBy(items, (item) => item.split(':')[0]);

    expect(out).toEqual(['u1:a', 'u2:a', 'u3:a', 'u1:b', 'u3:b', 'u1:c']);
  });
});
