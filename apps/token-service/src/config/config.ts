import { resolve } from 'node:path';
import { z } from 'zod';

/** Service configuration from the environment (README "Configuration" is the same table). */
export interface AppConfig {
  port: number;
  host: string;
  /** Public base URL, always ending with `/`; `iss` of every token. */
  issuer: string;
  /** `${issuer}api/v2/`: audience of management access tokens. */
  managementAudience: string;
  dataDir: string;
  eventStore: 'sqlite' | 'eventstoredb';
  eventStoreConnectionString?: string;
  /** Deadline of one EventStoreDB call; past it a write answers 503. */
  eventStoreOperationTimeoutMs: number;
  kafkaBrokers: string[];
  kafkaRevocationsTopic: string;
  /** Requests per minute per (IP, user) on /delegation; 0 turns it off. */
  delegationRateLimit: number;
  managementClientId?: string;
  managementClientSecret?: string;
  /** Largest accepted request body, bytes (larger: 413). */
  bodyLimitBytes: number;
  /** How long a revoke waits for the local projection before answering (invariant 6). */
  readYourWritesTimeoutMs: number;
  logLevel: string;
  /** Run the revocation relay inside token-service (the embedded default). */
  embeddedRelay: boolean;
  /** How often DATA_DIR/keys is re-read, so a rotation reaches a running process. */
  keysReloadIntervalMs: number;
}

export const CONFIG = Symbol('CONFIG');

const intFrom = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be >= ${min}`)
    .max(max, `${name} must be <= ${max}`);

const schema = z.object({
  PORT: intFrom('PORT', 0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ISSUER: z.url({ error: 'ISSUER must be an absolute URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  EVENT_STORE: z.enum(['sqlite', 'eventstoredb'], { error: 'EVENT_STORE must be sqlite or eventstoredb' }).default('sqlite'),
  EVENTSTORE_CONNECTION_STRING: z.string().min(1).optional(),
  EVENTSTORE_OPERATION_TIMEOUT_MS: intFrom('EVENTSTORE_OPERATION_TIMEOUT_MS', 1, 600_000).default(5_000),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_REVOCATIONS_TOPIC: z.string().min(1).default('refresh-token.revocations'),
  DELEGATION_RATE_LIMIT: intFrom('DELEGATION_RATE_LIMIT', 0, 1_000_000).default(10),
  MANAGEMENT_CLIENT_ID: z.string().min(1).optional(),
  MANAGEMENT_CLIENT_SECRET: z.string().min(1).optional(),
  BODY_LIMIT_BYTES: intFrom('BODY_LIMIT_BYTES', 1024, 10 * 1024 * 1024).default(64 * 1024),
  READ_YOUR_WRITES_TIMEOUT_MS: intFrom('READ_YOUR_WRITES_TIMEOUT_MS', 0, 60_000).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EMBEDDED_RELAY: z.enum(['true', 'false']).default('true'),
  KEYS_RELOAD_INTERVAL_MS: intFrom('KEYS_RELOAD_INTERVAL_MS', 1_000, 86_400_000).default(60_000),
});

/** Thrown at start-up with every bad variable listed. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.EVENT_STORE === 'eventstoredb' && !e.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError('invalid configuration:\n  EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb');
  }
  if ((e.MANAGEMENT_CLIENT_ID === undefined) !== (e.MANAGEMENT_CLIENT_SECRET === undefined)) {
    throw new ConfigError('invalid configuration:\n  MANAGEMENT_CLIENT_ID and MANAGEMENT_CLIENT_SECRET go together');
  }
  let issuer = e.ISSUER ?? `http://localhost:${e.PORT}/`;
  if (!issuer.endsWith('/')) issuer += '/';
  return {
    port: e.PORT,
    host: e.HOST,
    issuer,
    managementAudience: `${issuer}api/v2/`,
    dataDir: resolve(e.DATA_DIR),
    eventStore: e.EVENT_STORE,
    eventStoreConnectionString: e.EVENTSTORE_CONNECTION_STRING,
    eventStoreOperationTimeoutMs: e.EVENTSTORE_OPERATION_TIMEOUT_MS,
    kafkaBrokers: (e.KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    kafkaRevocationsTopic: e.KAFKA_REVOCATIONS_TOPIC,
    delegationRateLimit: e.DELEGATION_RATE_LIMIT,
    managementClientId: e.MANAGEMENT_CLIENT_ID,
    managementClientSecret: e.MANAGEMENT_CLIENT_SECRET,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    readYourWritesTimeoutMs: e.READ_YOUR_WRITES_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    embeddedRelay: e.EMBEDDED_RELAY === 'true',
    keysReloadIntervalMs: e.KEYS_RELOAD_INTERVAL_MS,
  };
}
