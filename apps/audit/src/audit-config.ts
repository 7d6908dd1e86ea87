import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type EventStore, openEventStore, SQLITE_EVENTS_FILE_NAME } from '@app/event-store';
import { READ_MODEL_FILE_NAME } from '@app/read-model';
import { DataDirMissingError, existingDataDir } from '@app/shared';

/** The part of the service's environment the audit CLI reads (product.md, "Running it"). */
export interface AuditConfig {
  dataDir: string;
  eventStore: 'sqlite' | 'eventstoredb';
  eventStoreConnectionString?: string;
  /** The live read model of this node: `DATA_DIR/read-model.sqlite`. */
  readModelFilename: string;
}

/** A bad environment: the CLI exits 2 with this message. */
export class AuditConfigError extends Error {
  readonly code = 'AUDIT_CONFIG_INVALID' as const;
}

export function loadAuditConfig(env: NodeJS.ProcessEnv): AuditConfig {
  const dataDir = env.DATA_DIR && env.DATA_DIR.length > 0 ? env.DATA_DIR : './data';
  const eventStore = env.EVENT_STORE ?? 'sqlite';
  if (eventStore !== 'sqlite' && eventStore !== 'eventstoredb') throw new AuditConfigError(`EVENT_STORE must be sqlite or eventstoredb, not "${eventStore}"`);
  const connectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (eventStore === 'eventstoredb' && !connectionString) throw new AuditConfigError('EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=eventstoredb');
  return { dataDir, eventStore, eventStoreConnectionString: connectionString, readModelFilename: join(dataDir, READ_MODEL_FILE_NAME) };
}

/**
 * Opens the log the service writes. An auditor pointed at the wrong DATA_DIR
 * must hear so: a missing SQLite file is an error, not an empty log (opening
 * it would create one).
 */
export function openAuditStore(config: AuditConfig): Promise<EventStore> {
  if (config.eventStore === 'eventstoredb') {
    return openEventStore({ kind: 'eventstoredb', connectionString: config.eventStoreConnectionString as string, operationTimeoutMs: 30_000 });
  }
  try {
    existingDataDir({ DATA_DIR: config.dataDir });
  } catch (error) {
    if (error instanceof DataDirMissingError) throw new AuditConfigError(error.message);
    throw error;
  }
  const filename = join(config.dataDir, SQLITE_EVENTS_FILE_NAME);
  if (!existsSync(filename)) throw new AuditConfigError(`no event log at ${filename} (set DATA_DIR to the service's data directory)`);
  // Large pages: an audit reads the whole log and nothing else competes for this connection.
  return openEventStore({ kind: 'sqlite', dataDir: config.dataDir, pageSize: 5000 });
}
