import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { CONFIG } from '../../infrastructure/tokens';
import { KeyedRateLimit, memoryRateLimiter } from './rate-limiter';

const MINUTE = 60;

/**
 * The service's rate limits, one instance per process. Built on the memory
 * store; a shared store (Redis) for several replicas is chosen here only.
 */
@Injectable()
export class RateLimits {
  /** Auth0's /delegation budget per (IP, user), shared with the refresh grant of /oauth/token. */
  readonly perUser: KeyedRateLimit;
  /** Failed client authentications per (client id, IP) at /oauth/token and /oauth/revoke. */
  readonly clientAuthFailures: KeyedRateLimit;

  constructor(@Inject(CONFIG) config: AppConfig) {
    const { delegationRateLimit, clientAuthFailureLimit, rateLimitMaxKeys } = config;
    this.perUser = new KeyedRateLimit(memoryRateLimiter(delegationRateLimit, MINUTE, rateLimitMaxKeys));
    this.clientAuthFailures = new KeyedRateLimit(memoryRateLimiter(clientAuthFailureLimit, MINUTE, rateLimitMaxKeys));
  }
}

/** One key format for the per-user budget, whichever endpoint spends it. */
export const perUserKey = (ip: string, userId: string | undefined): string => `${ip}|${userId ?? '?'}`;
