import { join } from 'node:path';
import type { EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** The embedded log's file name in `DATA_DIR`. */
export const SQLITE_EVENTS_FILE_NAME = 'events.sqlite';

/** Which log to open, as the apps' validated configuration states it (values, never the environment). */
export type EventStoreConfig =
  | {
      kind: 'sqlite';
      dataDir: string;
      /** How often another process's appends are looked for (the standalone relay tails token-service's file). */
      pollIntervalMs?: number;
      /** Events per read page; the audit reads the whole log with large pages. */
      pageSize?: number;
    }
  | {
      kind: 'eventstoredb';
      connectionString: string;
      /** Deadline of one call; past it the call fails as unavailable. */
      operationTimeoutMs?: number;
    };

export interface OpenEventStoreOptions {
  /**
   * Given: an unreachable EventStoreDB is waited for (this is told each
   * attempt) and a refusal of our credentials fails the open. Not given: the
   * store is returned at once and its first call fails if the server is down.
   */
  onWaiting?: (message: string, attempt: number) => void;
}

/** Opens the configured event store: token-service, the standalone relay and the audit CLI all open it here. */
export async function openEventStore(config: EventStoreConfig, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  if (config.kind === 'sqlite') {
    return new SqliteEventStore({ filename: join(config.dataDir, SQLITE_EVENTS_FILE_NAME), pollIntervalMs: config.pollIntervalMs, pageSize: config.pageSize });
  }
  const store = new EventStoreDbEventStore({ connectionString: config.connectionString, operationTimeoutMs: config.operationTimeoutMs });
  if (options.onWaiting) {
    try {
      await store.waitUntilReachable(options.onWaiting);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}
