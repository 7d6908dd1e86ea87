import { MemoryJtiReplayCache } from './jti-replay-cache';

describe('MemoryJtiReplayCache', () => {
  it('accepts a key once within its TTL, again after it', async () => {
    let now = 1_000_000;
    const cache = new MemoryJtiReplayCache(() => now);
    expect(await cache.claim('k', 65)).toBe(true);
    expect(await cache.claim('k', 65)).toBe(false);
    now += 64_999;
    expect(await cache.claim('k', 65)).toBe(false);
    now += 1;
    expect(await cache.claim('k', 65)).toBe(true);
  });

  it('stays within its bound: the oldest entry goes first, the newest stay replay-proof', async () => {
    const now = 1_000_000;
    const cache = new MemoryJtiReplayCache(() => now, 3);
    for (const key of ['a', 'b', 'c', 'd']) expect(await cache.claim(key, 65)).toBe(true);
    expect(cache.size).toBe(3);
    expect(await cache.claim('d', 65)).toBe(false);
    expect(await cache.claim('c', 65)).toBe(false);
    expect(await cache.claim('a', 65)).toBe(true);
  });

  it('drops expired entries as time passes', async () => {
    let now = 0;
    const cache = new MemoryJtiReplayCache(() => now);
    await cache.claim('a', 1);
    await cache.claim('b', 1);
    now = 2_000;
    await cache.claim('c', 1);
    expect(cache.size).toBe(1);
  });
});
