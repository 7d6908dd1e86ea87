import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { OAuthError } from '../errors/oauth-error';

/**
 * Fixed windows per key on rate-limiter-flexible: a window opens at a key's
 * first hit and lasts `durationSec`. Any of the library's limiters fits
 * (`RateLimiterMemory` here, `RateLimiterRedis` for a shared budget across
 * replicas), so the store is swapped where the limiters are built
 * (`rate-limits.ts`), nothing else changes.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
  /** Whole seconds until then (at least 1): the Retry-After of a refusal. */
  retryAfter: number;
}

export class KeyedRateLimit {
  /** `limiter` undefined: the limit is off (configured as 0). */
  constructor(private readonly limiter: RateLimiterAbstract | undefined) {}

  /** Counts one request for `key`; undefined when the limit is off. */
  async hit(key: string): Promise<RateLimitDecision | undefined> {
    if (!this.limiter) return undefined;
    try {
      return this.decision(await this.limiter.consume(key), true);
    } catch (refused) {
      if (refused instanceof RateLimiterRes) return this.decision(refused, false);
      throw refused;
    }
  }

  /** Counts `points` against `key` without refusing (a failure already answered). */
  async penalize(key: string, points = 1): Promise<void> {
    await this.limiter?.penalty(key, points);
  }

  /** Without counting: what `key` spent in its window, and the refusal it would get now (none while it has budget). */
  async check(key: string): Promise<{ spent: number; refused?: RateLimitDecision }> {
    if (!this.limiter) return { spent: 0 };
    const state = await this.limiter.get(key);
    if (!state) return { spent: 0 };
    const refused = state.consumedPoints >= this.limiter.points ? this.decision(state, false) : undefined;
    return { spent: state.consumedPoints, refused };
  }

  private decision(res: RateLimiterRes, allowed: boolean): RateLimitDecision {
    const limit = this.limiter?.points ?? 0;
    const msLeft = Math.max(0, res.msBeforeNext);
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - res.consumedPoints),
      reset: Math.ceil((Date.now() + msLeft) / 1000),
      retryAfter: Math.max(1, Math.ceil(msLeft / 1000)),
    };
  }
}

/**
 * The library's memory store keeps every key until its window ends, so a
 * flood of distinct keys (spoofed client ids, many IPs) would grow it
 * without bound. This one remembers the order windows opened in and, past
 * `maxKeys`, evicts the oldest: every other counter stays as it was (never
 * a clear-all, which would hand an attacker a fresh budget).
 */
export class BoundedRateLimiterMemory extends RateLimiterMemory {
  /** Keys by the time their current window opened, oldest first (Map keeps insertion order). */
  private readonly opened = new Map<string, true>();

  constructor(
    options: { points: number; duration: number; keyPrefix?: string },
    private readonly maxKeys: number,
  ) {
    super(options);
  }

  get size(): number {
    return this.opened.size;
  }

  override async consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    try {
      return this.track(key, await super.consume(key, points, options));
    } catch (refused) {
      if (refused instanceof RateLimiterRes) throw this.track(key, refused);
      throw refused;
    }
  }

  override async penalty(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    return this.track(key, await super.penalty(key, points, options));
  }

  private track(key: string | number, res: RateLimiterRes): RateLimiterRes {
    const k = String(key);
    if (res.isFirstInDuration || !this.opened.has(k)) {
      // A new window: move the key to the young end.
      this.opened.delete(k);
      this.opened.set(k, true);
    }
    for (const oldest of this.opened.keys()) {
      if (this.opened.size <= this.maxKeys) break;
      this.opened.delete(oldest);
      void super.delete(oldest);
    }
    return res;
  }
}

/** An in-memory limiter of `points` per `durationSec` per key, or undefined (off) for 0 points. */
export function memoryRateLimiter(points: number, durationSec: number, maxKeys: number): RateLimiterAbstract | undefined {
  return points > 0 ? new BoundedRateLimiterMemory({ points, duration: durationSec }, maxKeys) : undefined;
}

/** The budget a thrown error's request spent, so its answer carries the headers too (read by `errorRateLimitHeaders`). */
const spentBy = new WeakMap<object, RateLimitDecision>();

export function rateLimitOf(error: unknown): RateLimitDecision | undefined {
  return typeof error === 'object' && error !== null ? spentBy.get(error) : undefined;
}

/** Runs the rest of a request that spent `rateLimit`: whatever it throws carries the decision. */
export async function afterSpending<T>(rateLimit: RateLimitDecision | undefined, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (rateLimit && typeof error === 'object' && error !== null && !spentBy.has(error)) spentBy.set(error, rateLimit);
    throw error;
  }
}

/** RFC 6585 429 in the RFC 6749 error shape; its headers (Retry-After included) come from the decision. */
export function tooManyRequests(decision: RateLimitDecision): OAuthError {
  const error = new OAuthError(429, 'too_many_requests', 'Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.');
  spentBy.set(error, decision);
  return error;
}

/** X-RateLimit-Limit/Remaining/Reset of a decision, and Retry-After when it refused. */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(d.limit),
    'X-RateLimit-Remaining': String(d.remaining),
    'X-RateLimit-Reset': String(d.reset),
    ...(d.allowed ? {} : { 'Retry-After': String(d.retryAfter) }),
  };
}
