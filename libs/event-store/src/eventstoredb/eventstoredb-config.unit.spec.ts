import { eventStoreDbOptionsFromEnv } from './eventstoredb-config';

describe('eventStoreDbOptionsFromEnv', () => {
  it('takes the connection string and an optional operation timeout', () => {
    expect(eventStoreDbOptionsFromEnv({ EVENTSTORE_CONNECTION_STRING: 'esdb://es:2113?tls=false' })).toEqual({ connectionString: 'esdb://es:2113?tls=false' });
    expect(eventStoreDbOptionsFromEnv({ EVENTSTORE_CONNECTION_STRING: 'esdb+discover://es:2113', EVENTSTORE_OPERATION_TIMEOUT_MS: '2500' })).toEqual({
      connectionString: 'esdb+discover://es:2113',
      operationTimeoutMs: 2500,
    });
  });

  it('refuses a missing or malformed configuration at startup', () => {
    expect(() => eventStoreDbOptionsFromEnv({})).toThrow(expect.objectContaining({ code: 'EVENTSTORE_CONFIG' }));
    expect(() => eventStoreDbOptionsFromEnv({ EVENTSTORE_CONNECTION_STRING: 'http://es:2113' })).toThrow(expect.objectContaining({ code: 'EVENTSTORE_CONFIG' }));
    expect(() => eventStoreDbOptionsFromEnv({ EVENTSTORE_CONNECTION_STRING: 'esdb://es:2113', EVENTSTORE_OPERATION_TIMEOUT_MS: '-1' })).toThrow(expect.objectContaining({ code: 'EVENTSTORE_CONFIG' }));
  });
});
