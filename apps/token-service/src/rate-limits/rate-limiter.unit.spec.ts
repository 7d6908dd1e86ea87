import { BoundedRateLimiterMemory, KeyedRateLimit, memoryRateLimiter, rateLimitHeaders, rateLimitOf, tooManyRequests } from './rate-limiter';

describe('KeyedRateLimit on the memory store', () => {
  it('allows up to the limit per key and window, then refuses with the time left', async () => {
    const limit = new KeyedRateLimit(memoryRateLimiter(3, 60, 1_000));
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limit.hit('ip|user'));
    expect(decisions.map((d) => d?.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d?.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]?.retryAfter).toBeGreaterThanOrEqual(59);
    expect(decisions[3]?.retryAfter).toBeLessThanOrEqual(60);
    expect((await limit.hit('ip|other'))?.allowed).toBe(true);
  });

  it('counts failures with penalize and reports the refusal without counting', async () => {
    const limit = new KeyedRateLimit(memoryRateLimiter(2, 60, 1_000));
    expect(await limit.check('c|ip')).toEqual({ spent: 0 });
    await limit.penalize('c|ip');
    expect(await limit.check('c|ip')).toEqual({ spent: 1 });
    await limit.penalize('c|ip');
    const { spent, refused } = await limit.check('c|ip');
    expect(spent).toBe(2);
    expect(refused).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    expect((await limit.check('c|ip')).spent).toBe(2);
  });

  it('is off with a limit of 0: no decision, never a refusal', async () => {
    const limit = new KeyedRateLimit(memoryRateLimiter(0, 60, 1_000));
    expect(await limit.hit('k')).toBeUndefined();
    await limit.penalize('k');
    expect(await limit.check('k')).toEqual({ spent: 0 });
  });

  it('answers a refusal as RFC 6749 too_many_requests with Retry-After', () => {
    const error = tooManyRequests({ allowed: false, limit: 10, remaining: 0, reset: 1_700_000_060, retryAfter: 42 });
    expect(error.status).toBe(429);
    expect(error.body().error).toBe('too_many_requests');
    expect(rateLimitHeaders(rateLimitOf(error)!)).toMatchObject({ 'Retry-After': '42', 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0' });
  });
});

describe('BoundedRateLimiterMemory', () => {
  it('past maxKeys evicts the oldest windows only; younger counters keep their count', async () => {
    const store = new BoundedRateLimiterMemory({ points: 2, duration: 60 }, 3);
    const limit = new KeyedRateLimit(store);
    for (const key of ['a', 'b', 'c']) {
      await limit.hit(key);
      await limit.hit(key);
    }
    expect((await limit.hit('c'))?.allowed).toBe(false);
    await limit.hit('d'); // a fourth key: 'a', the oldest window, goes

    expect(store.size).toBe(3);
    expect((await limit.check('a')).spent).toBe(0);
    expect((await limit.check('b')).refused).toBeDefined();
    expect((await limit.check('c')).refused).toBeDefined();
    expect((await limit.check('d')).spent).toBe(1);
  });

  it('stays bounded under a flood of distinct keys, keeping the youngest windows counted', async () => {
    const store = new BoundedRateLimiterMemory({ points: 1, duration: 60 }, 100);
    const limit = new KeyedRateLimit(store);
    for (let i = 0; i < 50; i++) await limit.hit(`early-${i}`);
    for (let i = 0; i < 1_000; i++) await limit.hit(`flood-${i}`);
    expect(store.size).toBe(100);
    // The 100 youngest windows survive, each still counted.
    expect((await limit.check('flood-999')).refused).toBeDefined();
    expect((await limit.check('flood-900')).refused).toBeDefined();
    expect((await limit.check('flood-899')).spent).toBe(0);
    expect((await limit.check('early-0')).spent).toBe(0);
  });
});
