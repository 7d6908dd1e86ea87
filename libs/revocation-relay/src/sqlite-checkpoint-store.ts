import Database from 'better-sqlite3';
import { preparePrivateSqliteFile } from '@app/process';
import type { CheckpointStore } from './checkpoint-store';

export interface SqliteCheckpointStoreOptions {
  /** Database file (parent directories are created), e.g. `DATA_DIR/relay.sqlite`; `':memory:'` for tests. */
  filename: string;
}

/**
 * Checkpoints in their own SQLite file (WAL, synchronous=FULL: a saved
 * checkpoint survives a power cut, so a relay never re-sends more than its
 * last unsaved batch). Its own file, not the event log's: the relay may run in
 * another process than the writer of the log.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly selectStmt: Database.Statement<[string], { position: number }>;
  private readonly upsertStmt: Database.Statement<[string, number, string]>;

  constructor(options: SqliteCheckpointStoreOptions) {
    preparePrivateSqliteFile(options.filename); // 0600, and so its -wal and -shm
    this.db = new Database(options.filename, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      name TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    )`);
    this.selectStmt = this.db.prepare('SELECT position FROM checkpoints WHERE name = ?');
    // MAX(): never backwards, even when two relays share the file by mistake.
    this.upsertStmt = this.db.prepare(`INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET position = MAX(position, excluded.position), updated_at = excluded.updated_at`);
  }

  async load(name: string): Promise<number | undefined> {
    return this.selectStmt.get(name)?.position;
  }

  async save(name: string, position: number): Promise<void> {
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`invalid checkpoint position ${position}`);
    this.upsertStmt.run(name, position, new Date().toISOString());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
