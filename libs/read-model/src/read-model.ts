import { join } from 'node:path';
import Database from 'better-sqlite3';
import { preparePrivateSqliteFile } from '@app/shared';
import { canonicalJson } from '@app/event-store';
import { READ_MODEL_DDL, READ_MODEL_SCHEMA_VERSION, READ_MODEL_TABLES } from './read-model.schema';

/** File name of the read model inside `DATA_DIR` (one per node). */
export const READ_MODEL_FILE_NAME = 'read-model.sqlite';

/** `DATA_DIR/read-model.sqlite`, `DATA_DIR` defaulting to `./data` (product.md, Running it). */
export function defaultReadModelFilename(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DATA_DIR ?? './data', READ_MODEL_FILE_NAME);
}

export interface ReadModelOptions {
  /** Path of the SQLite file, or `':memory:'` (unit tests, throwaway rebuilds). */
  filename: string;
}

/**
 * The valid-credential read model: one SQLite file per node, written only by
 * the CredentialProjection, read by CredentialQueries.
 *
 * synchronous=NORMAL in WAL mode: a power cut may lose the last commits, and
 * with them the checkpoint in the same transaction, so the projection replays
 * them from the log. Durability lives in the event store; this file only needs
 * to be consistent, which WAL guarantees.
 */
export class ReadModel {
  /** The connection, for the classes of this lib. Others go through CredentialQueries. */
  readonly db: Database.Database;
  readonly filename: string;

  constructor(options: ReadModelOptions) {
    this.filename = options.filename;
    preparePrivateSqliteFile(options.filename); // 0600, and so its -wal and -shm
    this.db = new Database(options.filename, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.prepareSchema();
  }

  /** Last position the named projection applied (0: nothing yet). */
  checkpoint(name: string): number {
    const row = this.db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?').get(name);
    return row?.position ?? 0;
  }

  /**
   * A deterministic dump of every table, rows sorted by primary key, each row
   * canonical JSON (keys sorted): two read models built from the same log give
   * the same string byte for byte (invariant 1). One line per row, so a test
   * failure shows a readable diff.
   */
  snapshot(): string {
    const lines: string[] = [];
    const read = this.db.transaction(() => {
      for (const { name, primaryKey } of READ_MODEL_TABLES) {
        lines.push(`# ${name}`);
        const rows = this.db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${name} ORDER BY ${primaryKey}`).all();
        for (const row of rows) lines.push(canonicalJson(row));
      }
    });
    // One read transaction: a concurrent writer on another connection cannot tear the dump.
    read.deferred();
    return `${lines.join('\n')}\n`;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private prepareSchema(): void {
    this.db
      .transaction(() => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version === READ_MODEL_SCHEMA_VERSION) return;
        // Derived data: a file of another layout is dropped and rebuilt from the log.
        for (const { name } of READ_MODEL_TABLES) this.db.exec(`DROP TABLE IF EXISTS ${name}`);
        this.db.exec(READ_MODEL_DDL);
        this.db.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION}`);
      })
      .immediate();
  }
}
