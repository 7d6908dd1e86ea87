import { availableParallelism } from 'node:os';
import { ConfigError, eventStoreConfig, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite store on 127.0.0.1:3000 with an issuer ending in /', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000/',
      managementAudience: 'http://localhost:3000/api/v2/',
      eventStore: 'sqlite',
      kafkaBrokers: [],
      kafkaRevocationsTopic: 'refresh-token.revocations',
      delegationRateLimit: 10,
    });
  });

  it('adds the trailing slash to ISSUER and splits KAFKA_BROKERS', () => {
    const config = loadConfig({ ISSUER: 'https://auth.example.com', KAFKA_BROKERS: 'a:9092, b:9092,' });
    expect(config.issuer).toBe('https://auth.example.com/');
    expect(config.kafkaBrokers).toEqual(['a:9092', 'b:9092']);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', EVENT_STORE: 'postgres', DELEGATION_RATE_LIMIT: '-1' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', EVENT_STORE: 'postgres' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/EVENT_STORE/);
    }
  });

  it('takes the EventStoreDB operation timeout (default 5 s) and refuses a non-positive one', () => {
    expect(loadConfig({}).eventStoreOperationTimeoutMs).toBe(5_000);
    expect(loadConfig({ EVENTSTORE_OPERATION_TIMEOUT_MS: '2500' }).eventStoreOperationTimeoutMs).toBe(2_500);
    expect(() => loadConfig({ EVENTSTORE_OPERATION_TIMEOUT_MS: '0' })).toThrow(/EVENTSTORE_OPERATION_TIMEOUT_MS/);
  });

  it('requires a connection string for EventStoreDB and both management variables together', () => {
    expect(() => loadConfig({ EVENT_STORE: 'eventstoredb' })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
    expect(() => loadConfig({ MANAGEMENT_CLIENT_ID: 'x' })).toThrow(/go together/);
  });

  it('keeps rate limits in memory by default and requires REDIS_URL for the redis store', () => {
    expect(loadConfig({}).rateLimitStore).toBe('memory');
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/REDIS_URL is required/);
    expect(loadConfig({ RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://redis:6379' })).toMatchObject({ rateLimitStore: 'redis', redisUrl: 'redis://redis:6379' });
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'shared' })).toThrow(/RATE_LIMIT_STORE/);
  });

  it('takes an esdb:// or esdb+discover:// connection string and refuses any other scheme', () => {
    const esdb = { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://es:2113?tls=false' };
    expect(eventStoreConfig(loadConfig(esdb))).toEqual({ kind: 'eventstoredb', connectionString: 'esdb://es:2113?tls=false', operationTimeoutMs: 5_000 });
    expect(loadConfig({ ...esdb, EVENTSTORE_CONNECTION_STRING: 'esdb+discover://es:2113' }).eventStoreConnectionString).toBe('esdb+discover://es:2113');
    expect(() => loadConfig({ ...esdb, EVENTSTORE_CONNECTION_STRING: 'http://es:2113' })).toThrow(/must start with esdb:\/\//);
  });

  it('runs one process by default; WORKERS takes a count or auto (one per core) and refuses anything else', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '2' }).workers).toBe(2);
    expect(loadConfig({ WORKERS: 'auto' }).workers).toBe(availableParallelism());
    for (const bad of ['0', 'many', '1.5']) expect(() => loadConfig({ WORKERS: bad })).toThrow(/WORKERS/);
  });

  it('polls the embedded log for the other workers\' appends every 2 ms with several workers, at the default otherwise', () => {
    expect(eventStoreConfig(loadConfig({ WORKERS: '2' }))).toMatchObject({ kind: 'sqlite', pollIntervalMs: 2 });
    expect(eventStoreConfig(loadConfig({}))).not.toHaveProperty('pollIntervalMs');
  });

  it('names the embedded log by DATA_DIR for the SQLite store', () => {
    expect(eventStoreConfig(loadConfig({ DATA_DIR: '/var/lib/rts' }))).toEqual({ kind: 'sqlite', dataDir: '/var/lib/rts' });
  });

  it('treats an empty SIGNING_KEYS or SIGNING_KEYS_FILE as unset, and reads DATA_KEY', () => {
    const config = loadConfig({ SIGNING_KEYS: '', SIGNING_KEYS_FILE: '', DATA_KEY: 'a2V5' });
    expect(config).toMatchObject({ signingKeys: undefined, signingKeysFile: undefined, dataKey: 'a2V5' });
    expect(loadConfig({ SIGNING_KEYS_FILE: '/etc/rts/jwks.json' }).signingKeysFile).toBe('/etc/rts/jwks.json');
  });

  it("takes the standalone relay's poll and status intervals (defaults 50 ms and 30 s; 0 logs no status)", () => {
    expect(loadConfig({})).toMatchObject({ relayPollIntervalMs: 50, relayStatusIntervalMs: 30_000 });
    expect(loadConfig({ RELAY_POLL_INTERVAL_MS: '200', RELAY_STATUS_INTERVAL_MS: '0' })).toMatchObject({ relayPollIntervalMs: 200, relayStatusIntervalMs: 0 });
    expect(() => loadConfig({ RELAY_POLL_INTERVAL_MS: '0' })).toThrow(/RELAY_POLL_INTERVAL_MS/);
  });

  describe('MANAGEMENT_CLIENT_SECRET', () => {
    it('stops the start when it is shorter than 32 characters, saying so', () => {
      expect(() => loadConfig({ MANAGEMENT_CLIENT_ID: 'admin', MANAGEMENT_CLIENT_SECRET: 'x'.repeat(31) })).toThrow(
        /MANAGEMENT_CLIENT_SECRET must be at least 32 characters/,
      );
      expect(loadConfig({ MANAGEMENT_CLIENT_ID: 'admin', MANAGEMENT_CLIENT_SECRET: 'x'.repeat(32) }).managementClientSecret).toBe('x'.repeat(32));
    });
  });

  describe('METRICS_TOKEN', () => {
    it('is unset by default or when empty, taken when long enough, refused when short or not a bearer token', () => {
      expect(loadConfig({}).metricsToken).toBeUndefined();
      expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
      const token = 'a'.repeat(43) + '=';
      expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
      expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 32 characters/);
      expect(() => loadConfig({ METRICS_TOKEN: `${'a'.repeat(40)} b` })).toThrow(/METRICS_TOKEN may hold/);
    });
  });

  describe('TRUST_PROXY', () => {
    it('defaults to false: X-Forwarded-For is not trusted', () => {
      expect(loadConfig({}).trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    });

    it('takes a hop count', () => {
      expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    });

    it('takes a list of proxy addresses, CIDRs and proxy-addr range names', () => {
      expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1,fd00::/8,loopback' }).trustProxy).toEqual([
        '10.0.0.1',
        '192.168.0.0/16',
        '::1',
        'fd00::/8',
        'loopback',
      ]);
    });

    it('refuses true with a message saying the client would choose its own IP', () => {
      expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/choose its own IP and rate-limit key/);
    });

    it('refuses, like true, lists that cover every address, naming TRUST_PROXY instead of failing later', () => {
      for (const value of ['0.0.0.0/0', '0.0.0.0/1,128.0.0.0/1', '::/0', '::/1,8000::/1', '10.0.0.1, 0.0.0.0/0', '::ffff:0.0.0.0/96']) {
        expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY: a list covering every address .*choose its own IP/);
      }
      // Nearly everything is still a list of proxies.
      expect(loadConfig({ TRUST_PROXY: '0.0.0.0/1,128.0.0.0/2' }).trustProxy).toEqual(['0.0.0.0/1', '128.0.0.0/2']);
      expect(loadConfig({ TRUST_PROXY: '::/1' }).trustProxy).toEqual(['::/1']);
    });

    it('refuses what is neither a count nor addresses, naming the bad entries', () => {
      expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY.*yes/);
      expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/10\.0\.0\.0\/33/);
      expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1,*' })).toThrow(/TRUST_PROXY.*\*/);
      expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
    });
  });

  describe('timeouts and throttles', () => {
    it('has documented defaults', () => {
      expect(loadConfig({})).toMatchObject({
        requestTimeoutMs: 30_000,
        connectionTimeoutMs: 120_000,
        keepAliveTimeoutMs: 72_000,
        clientAuthFailureLimit: 10,
        rateLimitMaxKeys: 100_000,
        scryptConcurrency: 2,
      });
    });

    it('takes overrides and refuses values out of range', () => {
      expect(loadConfig({ REQUEST_TIMEOUT_MS: '1500', CONNECTION_TIMEOUT_MS: '0', SCRYPT_CONCURRENCY: '1' })).toMatchObject({
        requestTimeoutMs: 1_500,
        connectionTimeoutMs: 0,
        scryptConcurrency: 1,
      });
      expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' })).toThrow(/REQUEST_TIMEOUT_MS/);
      expect(() => loadConfig({ SCRYPT_CONCURRENCY: '0' })).toThrow(/SCRYPT_CONCURRENCY/);
    });
  });

  describe('the relay and its topic', () => {
    it('defaults to a 15 s lease, 6 partitions, the broker default replication and 35 days of retention', () => {
      expect(loadConfig({})).toMatchObject({
        relayLeaseMs: 15_000,
        relayStatusFileIntervalMs: 5_000,
        kafkaTopic: { partitions: 6, replicationFactor: undefined, retentionMs: 35 * 86_400_000 },
      });
    });

    it('reads KAFKA_TOPIC_* and RELAY_LEASE_MS', () => {
      const config = loadConfig({ KAFKA_TOPIC_PARTITIONS: '12', KAFKA_TOPIC_REPLICATION_FACTOR: '3', KAFKA_TOPIC_RETENTION_MS: '2592000000', RELAY_LEASE_MS: '5000' });
      expect(config).toMatchObject({ relayLeaseMs: 5000, kafkaTopic: { partitions: 12, replicationFactor: 3, retentionMs: 2_592_000_000 } });
    });

    it('refuses a retention shorter than the longest id_token lifetime (30 days)', () => {
      expect(() => loadConfig({ KAFKA_TOPIC_RETENTION_MS: '2591999999' })).toThrow(/KAFKA_TOPIC_RETENTION_MS must be >= 2592000000 \(30 days/);
    });

    it.each([
      ['KAFKA_TOPIC_PARTITIONS', '0'],
      ['KAFKA_TOPIC_REPLICATION_FACTOR', 'three'],
      ['RELAY_LEASE_MS', '100'],
    ])('refuses %s=%s, naming it', (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    });
  });
});
