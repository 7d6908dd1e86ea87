import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@app/config';
import { type EventStore, openEventStore, SQLITE_EVENTS_FILE_NAME } from '@app/event-store';
import { READ_MODEL_FILE_NAME } from '@app/read-model';
import { DataDirMissingError, existingDataDir } from '@app/process';

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

/** The service's own validated configuration (`@app/config`), the part the audit reads. */
export function loadAuditConfig(env: NodeJS.ProcessEnv): AuditConfig {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new AuditConfigError(error.message);
    throw error;
  }
  const { dataDir, eventStore, eventStoreConnectionString } = config;
  return { dataDir, eventStore, eventStoreConnectionString, readModelFilename: join(dataDir, READ_MODEL_FILE_NAME) };
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
    existingDataDir(config.dataDir);
  } catch (error) {
    if (error instanceof DataDirMissingError) throw new AuditConfigError(error.message);
    throw error;
  }
  const filename = join(config.dataDir, SQLITE_EVENTS_FILE_NAME);
  if (!existsSync(filename)) throw new AuditConfigError(`no event log at ${filename} (set DATA_DIR to the service's data directory)`);
  // Large pages: an audit reads the whole log and nothing else competes for this connection.
  return openEventStore({ kind: 'sqlite', dataDir: config.dataDir, pageSize: 5000 });
}
