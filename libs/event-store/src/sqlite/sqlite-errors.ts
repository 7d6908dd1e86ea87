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
 * Recognised by name and code, not `instanceof` (not even `instanceof Error`):
 * the native addon keeps the SqliteError class it was first given per process,
 * so where better-sqlite3 is loaded again in another realm (each Jest test
 * file's context) the error's prototype chain is that first realm's.
 */
function isSqliteError(error: unknown): error is InstanceType<typeof Database.SqliteError> {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string';
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
