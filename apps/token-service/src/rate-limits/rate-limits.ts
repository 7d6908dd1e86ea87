import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, RATE_LIMIT_SETTINGS, type RateLimitSettings } from '../infrastructure/tokens';
import { RateLimiterCluster, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { KeyedRateLimit, memoryRateLimiter, type RateLimitDecision, tooManyRequests } from './rate-limiter';
import { RedisRateLimitStore } from './rate-limit-store';

const MINUTE = 60;
/** A network's failure budget, in client-id budgets: room for a few clients behind one NAT, none for a spray of fresh ids. */
const NETWORK_FACTOR = 5;

/**
 * The service's rate limits: in this process's memory (RATE_LIMIT_STORE=memory,
 * the embedded default; with WORKERS > 1 in the cluster primary's memory,
 * asked over IPC, so the workers share one count) or in Redis shared by every
 * replica (redis), the store being chosen here only.
 */
@Injectable()
export class RateLimits implements OnApplicationShutdown {
  /** Auth0's /delegation budget per (IP, user), shared with the refresh grant of /oauth/token: spent through `spendPerUser`. */
  private readonly perUser: KeyedRateLimit;
  /** Failed client authentications per (client id, network) at /oauth/token, /oauth/revoke and /delegation. */
  readonly clientAuthFailures: KeyedRateLimit;
  /** The same failures, unknown client ids included, per network (IPv4 address, IPv6 /64): fresh client ids get no fresh budget. */
  readonly clientAuthFailuresPerNetwork: KeyedRateLimit;

  private readonly redis: RedisRateLimitStore | undefined;

  constructor(@Inject(RATE_LIMIT_SETTINGS) config: RateLimitSettings, @Inject(LOGGER) logger: Logger) {
    const { delegationRateLimit, clientAuthFailureLimit, rateLimitMaxKeys } = config;
    if (config.rateLimitStore === 'redis') {
      const redis = (this.redis = new RedisRateLimitStore(config.redisUrl!, logger.child({ component: 'rate-limits' })));
      this.perUser = new KeyedRateLimit(redis.limiter('per-user', delegationRateLimit, MINUTE, rateLimitMaxKeys));
      this.clientAuthFailures = new KeyedRateLimit(redis.limiter('client-auth-failures', clientAuthFailureLimit, MINUTE, rateLimitMaxKeys));
      this.clientAuthFailuresPerNetwork = new KeyedRateLimit(
        redis.limiter('client-auth-failures-network', clientAuthFailureLimit * NETWORK_FACTOR, MINUTE, rateLimitMaxKeys),
      );
    } else {
      const memory = (name: string, points: number): RateLimiterAbstract | undefined =>
        config.workers > 1 ? clusterRateLimiter(name, points, MINUTE) : memoryRateLimiter(points, MINUTE, rateLimitMaxKeys);
      this.perUser = new KeyedRateLimit(memory('per-user', delegationRateLimit));
      this.clientAuthFailures = new KeyedRateLimit(memory('client-auth-failures', clientAuthFailureLimit));
      this.clientAuthFailuresPerNetwork = new KeyedRateLimit(memory('client-auth-failures-network', clientAuthFailureLimit * NETWORK_FACTOR));
    }
  }

  /**
   * Counts one request against the per-(IP, user) budget, whichever endpoint
   * spends it; 429 past the budget. The decision, undefined when the limit is off.
   */
  async spendPerUser(ip: string, userId: string | undefined): Promise<RateLimitDecision | undefined> {
    const decision = await this.perUser.hit(perUserKey(ip, userId));
    if (decision && !decision.allowed) throw tooManyRequests(decision);
    return decision;
  }

  /** The Redis connection of RATE_LIMIT_STORE=redis (undefined otherwise), shared with the DPoP replay cache. */
  sharedRedis(): RedisRateLimitStore['client'] | undefined {
    return this.redis?.client;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}

/** A cluster worker's limiter, counting in the primary's `RateLimiterClusterMaster` (see `cluster/primary.ts`); undefined (off) for 0 points. */
function clusterRateLimiter(name: string, points: number, durationSec: number): RateLimiterAbstract | undefined {
  if (points <= 0) return undefined;
  return new RateLimiterCluster({ keyPrefix: `rate-limit:${name}`, points, duration: durationSec, timeoutMs: 2_000 });
}

/** One key format for the per-user budget. */
const perUserKey = (ip: string, userId: string | undefined): string => `${ip}|${userId ?? '?'}`;
