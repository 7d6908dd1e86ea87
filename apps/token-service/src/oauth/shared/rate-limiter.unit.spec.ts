import { FixedWindowRateLimiter } from './rate-limiter';

describe('FixedWindowRateLimiter', () => {
  let now = 1_700_000_000_000;
  const limiter = () => new FixedWindowRateLimiter(3, 60_000, () => now);

  it('allows up to the limit per key and window, then refuses', () => {
    const l = limiter();
    const decisions = [1, 2, 3, 4].map(() => l.hit('ip|user'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(l.hit('ip|other').allowed).toBe(true);
  });

  it('starts a new window after the reset time', () => {
    const l = limiter();
    for (let i = 0; i < 4; i++) l.hit('k');
    const first = l.hit('k');
    expect(first.allowed).toBe(false);
    now = first.reset * 1000;
    expect(l.hit('k')).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('is disabled with a limit of 0', () => {
    expect(new FixedWindowRateLimiter(0, 60_000, () => now).enabled).toBe(false);
  });
});
