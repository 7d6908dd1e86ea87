import type { Provider } from '@nestjs/common';
import { DpopNonces, type JtiReplayCache, MemoryJtiReplayCache, RedisJtiReplayCache } from '@app/dpop';
import { SecretSealer } from '@app/signing';
import { type Token } from '../../infrastructure/tokens';
import { RateLimits } from '../../rate-limits/rate-limits';

/** HKDF purpose of the DPoP nonce key: derived from the data key every replica shares (DATA_KEY). */
export const DPOP_NONCE_KEY_INFO = 'refresh-token-service dpop-nonce v1';

export const DPOP_NONCES = Symbol('DpopNonces') as Token<DpopNonces>;
export const JTI_REPLAY_CACHE = Symbol('JtiReplayCache') as Token<JtiReplayCache>;

/**
 * The nonces (a key derived from the data key: any replica accepts any
 * replica's nonce, nothing stored) and the `jti` replay cache: in Redis when
 * the rate limits are (RATE_LIMIT_STORE=redis, the same connection), with
 * this process's memory as fallback while Redis is down, as the rate limits
 * do; in memory otherwise.
 */
export const dpopProviders: Provider[] = [
  {
    provide: DPOP_NONCES,
    inject: [SecretSealer],
    useFactory: (sealer: SecretSealer) => new DpopNonces({ key: sealer.deriveKey(DPOP_NONCE_KEY_INFO) }),
  },
  {
    provide: JTI_REPLAY_CACHE,
    inject: [RateLimits],
    useFactory: (limits: RateLimits): JtiReplayCache => {
      const memory = new MemoryJtiReplayCache();
      const redis = limits.sharedRedis();
      // The store already logs each change of Redis's state; a failed claim falls back without a line per request.
      return redis ? new RedisJtiReplayCache(redis, { fallback: memory }) : memory;
    },
  },
];
