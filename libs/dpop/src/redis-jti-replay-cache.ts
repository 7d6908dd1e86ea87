import type { JtiReplayCache } from './jti-replay-cache';

/** What the adapter needs of a Redis client (ioredis's `set` overload with EX and NX). */
export interface RedisSetNx {
  set(key: string, value: string, ex: 'EX', seconds: number, nx: 'NX'): Promise<'OK' | null>;
}

export interface RedisJtiReplayCacheOptions {
  keyPrefix?: string;
  /**
   * Where claims go while Redis cannot answer (a command fails): each replica
   * checks alone until it is back, as the rate limits do. Without one, a
   * failed command throws.
   */
  fallback?: JtiReplayCache;
  /** Told of each failed command (the caller logs state changes). */
  onError?: (error: unknown) => void;
}

/**
 * `SET <prefix><key> 1 EX <ttl> NX` in the Redis every replica shares
 * (RATE_LIMIT_STORE=redis): the first replica to claim a `jti` wins, any
 * replay on any replica within the TTL is refused.
 */
export class RedisJtiReplayCache implements JtiReplayCache {
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: RedisSetNx,
    private readonly options: RedisJtiReplayCacheOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'dpop-jti:';
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    let answer: 'OK' | null;
    try {
      answer = await this.redis.set(`${this.keyPrefix}${key}`, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
    } catch (error) {
      this.options.onError?.(error);
      if (!this.options.fallback) throw error;
      return this.options.fallback.claim(key, ttlSeconds);
    }
    return answer === 'OK';
  }
}
