import { ConfigError, loadConfig } from './config';

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
});
