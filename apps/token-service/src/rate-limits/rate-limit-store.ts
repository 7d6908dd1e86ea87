import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryRateLimiter } from './rate-limiter';

/**
 * RATE_LIMIT_STORE=redis: one budget for every replica. Each limiter keeps
 * this process's bounded memory store as rate-limiter-flexible's
 * `insuranceLimiter`: while Redis cannot be reached (not ready: refused at
 * once, no queue; or a command fails), each replica counts alone, so the
 * service keeps answering and a client gets at most N times the limit with
 * N replicas until Redis is back. Logged once per state change.
 */
export class RedisRateLimitStore {
  private readonly redis: Redis;
  private state: 'connecting' | 'up' | 'down' | 'closed' = 'connecting';

  constructor(url: string, private readonly logger: Logger) {
    // No offline queue: a command while disconnected fails at once (to the insurance limiter), instead of waiting.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('ready', () => {
      if (this.state !== 'up') this.logger.info({ store: 'redis' }, 'rate limits shared through Redis');
      this.state = 'up';
    });
    const down = (error?: Error): void => {
      if (this.state === 'down' || this.state === 'closed') return;
      this.state = 'down';
      this.logger.warn({ store: 'redis', error: error?.message }, "Redis unreachable: rate limits counted in this process's memory until it is back");
    };
    this.redis.on('error', down);
    this.redis.on('close', () => down());
  }

  /** The connection, for other state every replica shares (the DPoP `jti` replay cache): one client per process. */
  get client(): Redis {
    return this.redis;
  }

  /** `points` per `durationSec` per key in Redis, under `name`; undefined (off) for 0 points. */
  limiter(name: string, points: number, durationSec: number, maxKeys: number): RateLimiterAbstract | undefined {
    if (points <= 0) return undefined;
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `rate-limit:${name}`,
      points,
      duration: durationSec,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memoryRateLimiter(points, durationSec, maxKeys),
    });
  }

  async close(): Promise<void> {
    this.state = 'closed'; // a connection we close is not an outage
    this.redis.disconnect();
  }
}
