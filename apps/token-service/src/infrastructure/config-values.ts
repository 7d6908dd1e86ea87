import type { AppConfig } from '@app/config';
import {
  BOOTSTRAP_SETTINGS,
  CLIENT_AUTHENTICATION_SETTINGS,
  CLIENT_DELETION_SWEEP_MS,
  EVENT_STORE_KIND,
  ISSUER,
  MANAGEMENT_AUDIENCE,
  MANAGEMENT_CLIENT_ID,
  METRICS_TOKEN,
  RATE_LIMIT_SETTINGS,
  provideValue,
} from './tokens';

/** The configuration values classes are given, each through its own token, copied out of the AppConfig. */
export function configValueProviders(config: AppConfig) {
  return [
    provideValue(ISSUER, config.issuer),
    provideValue(MANAGEMENT_AUDIENCE, config.managementAudience),
    provideValue(MANAGEMENT_CLIENT_ID, config.managementClientId),
    provideValue(CLIENT_DELETION_SWEEP_MS, config.clientDeletionSweepMs),
    provideValue(METRICS_TOKEN, config.metricsToken),
    provideValue(EVENT_STORE_KIND, config.eventStore),
    provideValue(CLIENT_AUTHENTICATION_SETTINGS, { scryptConcurrency: config.scryptConcurrency, requestTimeoutMs: config.requestTimeoutMs }),
    provideValue(RATE_LIMIT_SETTINGS, {
      rateLimitStore: config.rateLimitStore,
      redisUrl: config.redisUrl,
      workers: config.workers,
      delegationRateLimit: config.delegationRateLimit,
      clientAuthFailureLimit: config.clientAuthFailureLimit,
      rateLimitMaxKeys: config.rateLimitMaxKeys,
    }),
    provideValue(BOOTSTRAP_SETTINGS, {
      issuer: config.issuer,
      issuerFollowsPort: config.issuerFollowsPort,
      dataDir: config.dataDir,
      managementAudience: config.managementAudience,
      managementClientId: config.managementClientId,
      managementClientSecret: config.managementClientSecret,
    }),
  ];
}
