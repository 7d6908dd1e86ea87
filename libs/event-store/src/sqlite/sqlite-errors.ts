import Database from 'better-sqlite3';
import { EventStoreUnavailableError } from '../errors';

/**
 * SQLite result codes that mean "the store cannot serve this now" rather than
 * "the caller asked for something wrong": a lock held too long by another
 * process, a full or failing disk, a file that cannot be opened or is corrupt.
 * They become EventStoreUnavailableError (the API answers 503).
 */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL|NOMEM|CORRUPT|NOTADB|PERM|AUTH|INTERRUPT)/;

/** Maps a better-sqlite3 error to the port's errors; anything else is returned unchanged. */
export function toEventStoreError(error: unknown, operation: string): unknown {
  if (error instanceof Database.SqliteError && UNAVAILABLE.test(error.code)) {
    return new EventStoreUnavailableError(`sqlite event store: ${operation} failed (${error.code})`, { cause: error });
  }
  return error;
}

export function closedError(): EventStoreUnavailableError {
  return new EventStoreUnavailableError('sqlite event store is closed');
}
