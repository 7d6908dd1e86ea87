import { evictions, MAX_TOKENS_PER_USER_AND_CLIENT } from './cap';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `dcr_${i}`);

describe('the per-(user, client) cap', () => {
  it('is 200', () => {
    expect(MAX_TOKENS_PER_USER_AND_CLIENT).toBe(200);
  });

  it('evicts nothing up to the cap', () => {
    expect(evictions(ids(200))).toEqual([]);
    expect(evictions([])).toEqual([]);
  });

  it('evicts the oldest when the 201st is issued', () => {
    expect(evictions(ids(201))).toEqual(['dcr_0']);
  });

  it('evicts every one beyond the cap, oldest first (after concurrent issuances)', () => {
    expect(evictions(ids(203))).toEqual(['dcr_0', 'dcr_1', 'dcr_2']);
  });
});
