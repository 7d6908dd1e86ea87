import type Database from 'better-sqlite3';

/** Bumped when the layout changes; a newer file is refused rather than misread. */
export const SCHEMA_VERSION = 1;

/**
 * The log. `position` is the global order (AUTOINCREMENT: never reused, even
 * after the last row is deleted, so a position a consumer checkpointed keeps
 * its meaning); `(stream_id, revision)` is the optimistic-concurrency key and
 * the index that reads a stream and finds its head; `event_id` is unique so a
 * retried append is recognised (idempotency). STRICT: SQLite checks the types.
 *
 * The triggers make the table append-only from any connection that did not
 * drop them: the log is the truth (architecture.md, invariant 1), and the hash
 * chain catches what a determined writer does anyway.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS events (
  position   INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id   TEXT    NOT NULL UNIQUE,
  stream_id  TEXT    NOT NULL,
  revision   INTEGER NOT NULL CHECK (revision >= 0),
  type       TEXT    NOT NULL,
  data       TEXT    NOT NULL,
  metadata   TEXT    NOT NULL,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
) STRICT;

CREATE TRIGGER IF NOT EXISTS events_are_immutable BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

CREATE TRIGGER IF NOT EXISTS events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are never deleted'); END;
`;

/**
 * Connection settings, then the schema.
 *
 * - WAL: readers (subscriptions, other processes) never block the writer.
 * - synchronous=FULL: in WAL mode NORMAL may lose the last commits on power
 *   loss; an acknowledged issuance or revocation must survive (invariant 8),
 *   so every commit is fsynced.
 * - busy_timeout is set by the constructor (`timeout` option) before this runs,
 *   so concurrent openers of the same file wait instead of failing.
 */
export function prepareDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`event store file has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
    }
    db.exec(DDL);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
