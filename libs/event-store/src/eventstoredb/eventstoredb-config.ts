import type { EventStoreDbEventStoreOptions } from './eventstoredb-event-store';

/** The configuration is unusable (a missing or malformed variable); fail at startup. */
export class EventStoreDbConfigError extends Error {
  readonly code = 'EVENTSTORE_CONFIG' as const;
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreDbConfigError';
  }
}

/**
 * Adapter options from the environment, for `EVENT_STORE=eventstoredb`:
 * `EVENTSTORE_CONNECTION_STRING` (required, e.g. `esdb://eventstore:2113?tls=false`)
 * and `EVENTSTORE_OPERATION_TIMEOUT_MS` (optional, default 5000).
 */
export function eventStoreDbOptionsFromEnv(env: Record<string, string | undefined> = process.env): EventStoreDbEventStoreOptions {
  const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim();
  if (!connectionString) throw new EventStoreDbConfigError('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false)');
  if (!/^esdb(\+discover)?:\/\//.test(connectionString)) throw new EventStoreDbConfigError('EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover://');
  const timeout = env.EVENTSTORE_OPERATION_TIMEOUT_MS;
  if (timeout === undefined || timeout === '') return { connectionString };
  const operationTimeoutMs = Number(timeout);
  if (!Number.isInteger(operationTimeoutMs) || operationTimeoutMs <= 0) throw new EventStoreDbConfigError('EVENTSTORE_OPERATION_TIMEOUT_MS must be a positive integer');
  return { connectionString, operationTimeoutMs };
}
