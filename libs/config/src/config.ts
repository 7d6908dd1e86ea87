import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { EventStoreConfig } from '@app/event-store';
import { MAX_JWT_LIFETIME_IN_SECONDS } from '@app/clients';
import { coversEveryAddress } from './trust-proxy-coverage';
import { ConfigError } from './config-error';
import { tracingConfig, tracingEnvironment, type TracingConfig } from './tracing-config';

/** The revocations topic keeps records at least as long as the longest id_token lifetime (30 days). */
const MIN_TOPIC_RETENTION_MS = MAX_JWT_LIFETIME_IN_SECONDS * 1000;

/**
 * The configuration of every process, token-service, the standalone relay and
 * the CLIs, from one environment (docs/configuration.md is the same table).
 * Every entry point reads its environment through `loadConfig`; libs take
 * these values as arguments, never the environment.
 */
export interface AppConfig {
  port: number;
  host: string;
  /** Public base URL, always ending with `/`; `iss` of every token. */
  issuer: string;
  /** ISSUER is unset, so it follows PORT (`http://localhost:${PORT}/`): a new PORT is a new issuer. */
  issuerFollowsPort?: boolean;
  /** `${issuer}api/v2/`: audience of management access tokens. */
  managementAudience: string;
  dataDir: string;
  eventStore: 'sqlite' | 'eventstoredb';
  eventStoreConnectionString?: string;
  /** Deadline of one EventStoreDB call; past it a write answers 503. */
  eventStoreOperationTimeoutMs: number;
  kafkaBrokers: string[];
  kafkaRevocationsTopic: string;
  /** Requests per minute per (IP, user) on /delegation and the refresh grant, one shared budget; 0 turns it off. */
  delegationRateLimit: number;
  /** Failed client authentications per minute per (client id, IP) at /oauth/token and /oauth/revoke; 0 turns it off. */
  clientAuthFailureLimit: number;
  /** Keys each in-memory rate limiter keeps; past it the oldest windows are evicted. */
  rateLimitMaxKeys: number;
  /** scrypt verifications running at once (each holds a libuv thread and 32 MiB). */
  scryptConcurrency: number;
  /** Fastify `trustProxy`: false, a hop count, or proxy addresses/CIDRs. Never `true`. */
  trustProxy: false | number | string[];
  /** Whole request (headers and body) must arrive within this, else 408; ms. */
  requestTimeoutMs: number;
  /** A socket with no activity for this long is closed; ms, 0 = never. */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; ms. */
  keepAliveTimeoutMs: number;
  managementClientId?: string;
  managementClientSecret?: string;
  /** Largest accepted request body, bytes (larger: 413). */
  bodyLimitBytes: number;
  /** How long a revoke waits for the local projection before answering (invariant 6). */
  readYourWritesTimeoutMs: number;
  logLevel: string;
  /** One `info` line per answered request (LOG_REQUESTS); off, only errors and slow requests are logged. */
  logRequests: boolean;
  /** A request slower than this is logged at `warn` whatever LOG_REQUESTS says; ms, 0 = never. */
  slowRequestMs: number;
  /** Run the revocation relay inside token-service (the embedded default). */
  embeddedRelay: boolean;
  /** How often DATA_DIR/keys is re-read, so a rotation reaches a running process. */
  keysReloadIntervalMs: number;
  /** Inline JWKS of private signing keys (SIGNING_KEYS); wins over `signingKeysFile`. */
  signingKeys?: string;
  /** Path of a JWKS file (SIGNING_KEYS_FILE); neither set: keys are generated into DATA_DIR/keys. */
  signingKeysFile?: string;
  /** base64 32-byte key sealing HS256 client secrets (DATA_KEY); unset: DATA_DIR/keys/data.key. */
  dataKey?: string;
  /** The verifiable log's checkpoint key, `PRIVATE+KEY+…` (CHECKPOINT_SIGNING_KEY, or a file: CHECKPOINT_SIGNING_KEY_FILE); neither: generated into DATA_DIR/keys. */
  checkpointSigningKey?: string;
  checkpointSigningKeyFile?: string;
  /** A replica without the checkpoint key (EMBEDDED_RELAY=false): the relay's verifier keys (CHECKPOINT_VERIFIER_KEYS); default DATA_DIR/keys/checkpoint-verifiers.txt. */
  checkpointVerifierKeys?: string;
  /** Standalone relay: how often the SQLite log is polled for token-service's appends. */
  relayPollIntervalMs: number;
  /** How often each replica revokes the valid tokens its read model shows for deleted clients (0: only at start). */
  clientDeletionSweepMs: number;
  /** Where rate-limit counters live: this process, or Redis shared by every replica. */
  rateLimitStore: 'memory' | 'redis';
  /** Redis of the shared rate limits (RATE_LIMIT_STORE=redis). */
  redisUrl?: string;
  /** HTTP worker processes (WORKERS; `auto`: one per core); 1 = a single process, no cluster. */
  workers: number;
  /** Standalone relay: how often its lag is logged; 0 = never. */
  relayStatusIntervalMs: number;
  /** Relay on EventStoreDB: length of its lease on the log (one publisher at a time). */
  relayLeaseMs: number;
  /** Standalone relay: how often it rewrites DATA_DIR/relay-status.json (the container healthcheck reads it). */
  relayStatusFileIntervalMs: number;
  /** Bearer token `/metrics` requires (METRICS_TOKEN); unset: `/metrics` is open to whoever reaches the port. */
  metricsToken?: string;
  /** How the relay creates the revocations topic when missing; `replicationFactor` unset: the broker's default. */
  kafkaTopic: { partitions: number; replicationFactor?: number; retentionMs: number };
  /** OpenTelemetry traces (the standard OTEL_* variables); undefined: off, the SDK is never loaded. */
  tracing?: TracingConfig;
}

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
  EVENTSTORE_CONNECTION_STRING: z
    .string()
    .regex(/^esdb(\+discover)?:\/\//, 'EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover://')
    .optional(),
  EVENTSTORE_OPERATION_TIMEOUT_MS: intFrom('EVENTSTORE_OPERATION_TIMEOUT_MS', 1, 600_000).default(5_000),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_REVOCATIONS_TOPIC: z.string().min(1).default('refresh-token.revocations'),
  DELEGATION_RATE_LIMIT: intFrom('DELEGATION_RATE_LIMIT', 0, 1_000_000).default(10),
  CLIENT_AUTH_FAILURE_LIMIT: intFrom('CLIENT_AUTH_FAILURE_LIMIT', 0, 1_000_000).default(10),
  RATE_LIMIT_MAX_KEYS: intFrom('RATE_LIMIT_MAX_KEYS', 100, 10_000_000).default(100_000),
  SCRYPT_CONCURRENCY: intFrom('SCRYPT_CONCURRENCY', 1, 64).default(2),
  TRUST_PROXY: z.string().default('false'),
  REQUEST_TIMEOUT_MS: intFrom('REQUEST_TIMEOUT_MS', 100, 600_000).default(30_000),
  CONNECTION_TIMEOUT_MS: intFrom('CONNECTION_TIMEOUT_MS', 0, 3_600_000).default(120_000),
  KEEP_ALIVE_TIMEOUT_MS: intFrom('KEEP_ALIVE_TIMEOUT_MS', 100, 3_600_000).default(72_000),
  MANAGEMENT_CLIENT_ID: z.string().min(1).optional(),
  // An operator-chosen secret guards every management scope: at least 256 bits' worth of characters.
  MANAGEMENT_CLIENT_SECRET: z
    .string()
    .min(32, 'MANAGEMENT_CLIENT_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)')
    .optional(),
  BODY_LIMIT_BYTES: intFrom('BODY_LIMIT_BYTES', 1024, 10 * 1024 * 1024).default(64 * 1024),
  READ_YOUR_WRITES_TIMEOUT_MS: intFrom('READ_YOUR_WRITES_TIMEOUT_MS', 0, 60_000).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_REQUESTS: z.enum(['true', 'false']).default('false'),
  SLOW_REQUEST_MS: intFrom('SLOW_REQUEST_MS', 0, 600_000).default(1_000),
  EMBEDDED_RELAY: z.enum(['true', 'false']).default('true'),
  KEYS_RELOAD_INTERVAL_MS: intFrom('KEYS_RELOAD_INTERVAL_MS', 1_000, 86_400_000).default(60_000),
  // Empty is unset (`SIGNING_KEYS=` in a shell or a compose file).
  SIGNING_KEYS: z.string().optional().transform((v) => v || undefined),
  SIGNING_KEYS_FILE: z.string().optional().transform((v) => v || undefined),
  DATA_KEY: z.string().optional(),
  CHECKPOINT_SIGNING_KEY: z.string().optional().transform((v) => v || undefined),
  CHECKPOINT_SIGNING_KEY_FILE: z.string().optional().transform((v) => v || undefined),
  CHECKPOINT_VERIFIER_KEYS: z.string().optional().transform((v) => v || undefined),
  RELAY_POLL_INTERVAL_MS: intFrom('RELAY_POLL_INTERVAL_MS', 1, 60_000).default(50),
  RELAY_STATUS_INTERVAL_MS: intFrom('RELAY_STATUS_INTERVAL_MS', 0, 86_400_000).default(30_000),
  RELAY_LEASE_MS: intFrom('RELAY_LEASE_MS', 1_000, 600_000).default(15_000),
  RELAY_STATUS_FILE_INTERVAL_MS: intFrom('RELAY_STATUS_FILE_INTERVAL_MS', 100, 600_000).default(5_000),
  KAFKA_TOPIC_PARTITIONS: intFrom('KAFKA_TOPIC_PARTITIONS', 1, 10_000).default(6),
  // Empty is unset: the broker's default.replication.factor.
  KAFKA_TOPIC_REPLICATION_FACTOR: z.preprocess((v) => (v === '' ? undefined : v), intFrom('KAFKA_TOPIC_REPLICATION_FACTOR', 1, 100).optional()),
  // 35 days: the longest id_token lifetime and 5 days of margin (a downstream service down over a long weekend).
  KAFKA_TOPIC_RETENTION_MS: z.coerce
    .number({ error: 'KAFKA_TOPIC_RETENTION_MS must be a number' })
    .int('KAFKA_TOPIC_RETENTION_MS must be a whole number')
    .min(
      MIN_TOPIC_RETENTION_MS,
      `KAFKA_TOPIC_RETENTION_MS must be >= ${MIN_TOPIC_RETENTION_MS} (30 days, the longest id_token lifetime): a downstream service started later must still learn of every revocation it has to honour`,
    )
    .default(MIN_TOPIC_RETENTION_MS + 5 * 86_400_000),
  CLIENT_DELETION_SWEEP_MS: intFrom('CLIENT_DELETION_SWEEP_MS', 0, 3_600_000).default(1_000),
  RATE_LIMIT_STORE: z.enum(['memory', 'redis']).default('memory'),
  REDIS_URL: z.string().url().optional().transform((v) => v || undefined),
  // Empty is unset. A scraper's bearer token: as long as a management secret, and within RFC 6750's token68 characters.
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(
      z
        .string()
        .min(32, 'METRICS_TOKEN must be at least 32 characters (e.g. `openssl rand -base64 32`)')
        .regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'METRICS_TOKEN may hold letters, digits and -._~+/ (then = padding) only, as a Bearer token does')
        .optional(),
    ),
  WORKERS: z
    .union([z.literal('auto'), intFrom('WORKERS', 1, 256)], { error: 'WORKERS must be auto or a whole number from 1 to 256' })
    .default(1)
    .transform((v) => (v === 'auto' ? availableParallelism() : v)),
  ...tracingEnvironment,
});

export { ConfigError };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.EVENT_STORE === 'eventstoredb' && !e.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError('invalid configuration:\n  EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=eventstoredb');
  }
  if ((e.MANAGEMENT_CLIENT_ID === undefined) !== (e.MANAGEMENT_CLIENT_SECRET === undefined)) {
    throw new ConfigError('invalid configuration:\n  MANAGEMENT_CLIENT_ID and MANAGEMENT_CLIENT_SECRET go together');
  }
  if (e.RATE_LIMIT_STORE === 'redis' && !e.REDIS_URL) {
    throw new ConfigError('invalid configuration:\n  REDIS_URL is required when RATE_LIMIT_STORE=redis');
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  let issuer = e.ISSUER ?? `http://localhost:${e.PORT}/`;
  if (!issuer.endsWith('/')) issuer += '/';
  return {
    port: e.PORT,
    host: e.HOST,
    issuer,
    issuerFollowsPort: e.ISSUER === undefined,
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
    clientAuthFailureLimit: e.CLIENT_AUTH_FAILURE_LIMIT,
    rateLimitMaxKeys: e.RATE_LIMIT_MAX_KEYS,
    scryptConcurrency: e.SCRYPT_CONCURRENCY,
    trustProxy,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    managementClientId: e.MANAGEMENT_CLIENT_ID,
    managementClientSecret: e.MANAGEMENT_CLIENT_SECRET,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    readYourWritesTimeoutMs: e.READ_YOUR_WRITES_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logRequests: e.LOG_REQUESTS === 'true',
    slowRequestMs: e.SLOW_REQUEST_MS,
    embeddedRelay: e.EMBEDDED_RELAY === 'true',
    keysReloadIntervalMs: e.KEYS_RELOAD_INTERVAL_MS,
    signingKeys: e.SIGNING_KEYS,
    signingKeysFile: e.SIGNING_KEYS_FILE,
    dataKey: e.DATA_KEY,
    checkpointSigningKey: e.CHECKPOINT_SIGNING_KEY,
    checkpointSigningKeyFile: e.CHECKPOINT_SIGNING_KEY_FILE,
    checkpointVerifierKeys: e.CHECKPOINT_VERIFIER_KEYS,
    relayPollIntervalMs: e.RELAY_POLL_INTERVAL_MS,
    relayStatusIntervalMs: e.RELAY_STATUS_INTERVAL_MS,
    relayLeaseMs: e.RELAY_LEASE_MS,
    relayStatusFileIntervalMs: e.RELAY_STATUS_FILE_INTERVAL_MS,
    kafkaTopic: { partitions: e.KAFKA_TOPIC_PARTITIONS, replicationFactor: e.KAFKA_TOPIC_REPLICATION_FACTOR, retentionMs: e.KAFKA_TOPIC_RETENTION_MS },
    clientDeletionSweepMs: e.CLIENT_DELETION_SWEEP_MS,
    rateLimitStore: e.RATE_LIMIT_STORE,
    redisUrl: e.REDIS_URL,
    workers: e.WORKERS,
    metricsToken: e.METRICS_TOKEN,
    tracing: tracingConfig(e),
  };
}

/** The event store this configuration names, for `openEventStore`. */
export function eventStoreConfig(config: AppConfig): EventStoreConfig {
  return config.eventStore === 'eventstoredb'
    ? { kind: 'eventstoredb', connectionString: config.eventStoreConnectionString!, operationTimeoutMs: config.eventStoreOperationTimeoutMs }
    : // Several workers append to one file: the projection's worker polls often for the others' appends (read-your-writes waits on it).
      { kind: 'sqlite', dataDir: config.dataDir, ...(config.workers > 1 ? { pollIntervalMs: 2 } : {}) };
}

/** proxy-addr's names for address ranges, which Fastify's `trustProxy` list accepts too. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it: `false`, a hop count, or a
 * comma-separated list of proxy addresses/CIDRs. `true` (trust every hop),
 * and a list that covers every IPv4 or IPv6 address, are refused: the client would then choose its own IP, and so its own
 * rate-limit keys, by sending X-Forwarded-For.
 */
export function parseTrustProxy(value: string): false | number | string[] {
  const text = value.trim();
  if (text === '' || text === 'false') return false;
  const trustsAll = (what: string) =>
    new ConfigError(
      `invalid configuration:\n  TRUST_PROXY: ${what} trusts every X-Forwarded-For hop, so a client could choose its own IP and rate-limit key; ` +
        'give the number of proxies in front of the service (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8)',
    );
  if (text === 'true') throw trustsAll('true');
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 100) throw new ConfigError('invalid configuration:\n  TRUST_PROXY: a hop count must be <= 100');
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length > 0) {
    throw new ConfigError(
      `invalid configuration:\n  TRUST_PROXY: not false, a hop count, or proxy addresses/CIDRs (loopback, linklocal, uniquelocal also accepted): ${bad.join(', ').slice(0, 200)}`,
    );
  }
  if (coversEveryAddress(entries)) throw trustsAll(`a list covering every address (${text.slice(0, 100)})`);
  return entries;
}
