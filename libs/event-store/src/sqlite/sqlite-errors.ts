import Database from 'better-sqlite3';
import { EventStoreUnavailableError } from '../errors';

/**
 * SQLite result codes that mean "the store cannot serve this now" rather than
 * "the caller asked for something wrong": a lock held too long by another
 * process, a full or failing disk, a file that cannot be opened or is corrupt.
 * They become EventStoreUnavailableError (the API answers 503).
 */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL|NOMEM|CORRUPT|NOTADB|PERM|AUTH|INTERRUPT)/;

/**
 * Recognised by name and code, not `instanceof`: the native addon keeps the
 * SqliteError class it was first given per process, so under a module
 * registry that reloads better-sqlite3 (Jest) `instanceof` can be false.
 */
function isSqliteError(error: unknown): error is InstanceType<typeof Database.SqliteError> {
  return error instanceof Error && error.name === 'SqliteError' && typeof (error as { code?: unknown }).code === 'string';
}

/** Maps a better-sqlite3 error to the port's errors; anything else is returned unchanged. */
export function toEventStoreError(error: unknown, operation: string): unknown {
  if (isSqliteError(error) && UNAVAILABLE.test(error.code)) {
    return new EventStoreUnavailableError(`sqlite event store: ${operation} failed (${error.code})`, { cause: error });
  }
  return error;
}

export function closedError(): EventStoreUnavailableError {
  return new EventStoreUnavailableError('sqlite event store is closed');
}
