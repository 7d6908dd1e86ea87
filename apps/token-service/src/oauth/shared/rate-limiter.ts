/**
 * Fixed-window rate limit per key, Auth0's `/delegation` model: N requests per
 * minute per (IP, user), answered with X-RateLimit-Limit / -Remaining / -Reset
 * (Reset in epoch seconds). In memory, per node: a replica set multiplies the
 * limit by its size, which is the usual trade-off for a per-node limiter.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
}

export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  hit(key: string): RateLimitDecision {
    const now = this.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now - (now % this.windowMs), count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return {
      allowed: w.count <= this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.count),
      reset: Math.ceil((w.start + this.windowMs) / 1000),
    };
  }

  /** Drops expired windows; bounded so a flood of distinct keys cannot grow memory without end. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs && this.windows.size < this.maxKeys) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.windows.clear();
  }
}
