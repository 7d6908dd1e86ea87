import { closeSync, fsyncSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { messageOf } from '@app/shared';
import { preparePrivateSqliteFile } from '@app/process';
import { canonicalJson } from '@app/event-store';
import { ReadModelUnreadableError } from './errors';
import { READ_MODEL_BULK_DDL, READ_MODEL_DDL, READ_MODEL_DEFERRED_UNIQUE_DDL, READ_MODEL_QUERY_INDEXES_DDL, READ_MODEL_SCHEMA_VERSION, READ_MODEL_TABLES, type ReadModelTable } from './read-model.schema';

/** File name of the read model inside `DATA_DIR` (one per node). */
export const READ_MODEL_FILE_NAME = 'read-model.sqlite';

export interface ReadModelOptions {
  /** Path of the SQLite file, or `':memory:'` (unit tests, throwaway rebuilds). */
  filename: string;
  /**
   * A model rebuilt from the log on every use (`audit verify`'s replay):
   * no journal file, no fsync. Durability buys nothing there, and fsyncs and
   * the WAL cost about 40 % of a replay (bench/audit-replay.ts). No query
   * indexes either: a replay is only compared row by row.
   */
  throwaway?: boolean;
  /** Open an existing file read-only (see `openReadOnly`). */
  readOnly?: boolean;
  /**
   * SQLite page cache in MB (default SQLite's 2 MB). A replay from zero
   * touches the credential indexes at random: with the default cache it
   * rereads and rewrites their pages at every commit.
   */
  cacheMb?: number;
  /**
   * A build from zero (`rebuild()`): as a throwaway model (no journal file,
   * no fsync per commit, no query indexes), and marked incomplete (schema
   * version 0, so any later open drops it) until `completeBulkBuild()`.
   */
  bulk?: boolean;
  /**
   * With `throwaway` or `bulk` on a new file: the credentials' unique indexes
   * are created by `createDeferredUniqueIndexes()` (or `completeBulkBuild()`)
   * at the end instead of being written per insert.
   */
  deferUniqueIndexes?: boolean;
}

/** A row as SQLite returns it. */
export type ReadModelRow = Record<string, unknown>;

/**
 * The valid-credential read model: one SQLite file per node, written only by
 * the ReadModelProjection, read by CredentialQueries; the audit opens it
 * read-only (`openReadOnly`) and reads it through the methods below, never by SQL.
 *
 * synchronous=NORMAL in WAL mode: a power cut may lose the last commits, and
 * with them the checkpoint in the same transaction, so the projection replays
 * them from the log. Durability lives in the event store; this file only needs
 * to be consistent, which WAL guarantees.
 */
export class ReadModel {
  /** The connection, for the classes of this lib. Others go through CredentialQueries and the methods below. */
  readonly db: Database.Database;
  readonly filename: string;
  private clientsVersion = 0;
  private readonly readOnly: boolean;
  private readonly dataVersion: Database.Statement<[], number> | undefined;
  private readonly checkpointStatements: {
    load: Database.Statement<[string], { position: number }>;
    save: Database.Statement<[{ name: string; position: number }]>;
  };

  constructor(options: ReadModelOptions) {
    this.filename = options.filename;
    this.readOnly = options.readOnly === true;
    if (options.readOnly) {
      this.db = openExisting(options.filename);
      this.dataVersion = this.db.prepare<[], number>('PRAGMA data_version').pluck();
    } else {
      preparePrivateSqliteFile(options.filename); // 0600, and so its -wal and -shm
      this.db = new Database(options.filename, { timeout: 5000 });
      const fast = options.throwaway === true || options.bulk === true;
      // The rollback journal in memory, no file (journal_mode=OFF is refused in better-sqlite3's defensive mode).
      this.db.pragma(fast ? 'journal_mode = MEMORY' : 'journal_mode = WAL');
      this.db.pragma(fast ? 'synchronous = OFF' : 'synchronous = NORMAL');
      if (options.cacheMb !== undefined) this.db.pragma(`cache_size = ${-Math.round(options.cacheMb * 1024)}`);
      this.prepareSchema(fast && options.deferUniqueIndexes === true ? READ_MODEL_BULK_DDL : READ_MODEL_DDL);
      // A throwaway replay is only compared row by row: the query indexes would cost a b-tree insert each for nothing.
      if (!fast) this.db.exec(READ_MODEL_QUERY_INDEXES_DDL);
      if (options.bulk) this.db.pragma('user_version = 0');
    }
    this.checkpointStatements = this.prepareCheckpointStatements();
  }

  /**
   * Opens an existing model without ever writing it (an auditor's tool must
   * not; the constructor may rebuild a file of another layout).
   * @throws ReadModelUnreadableError when the file is missing, unreadable or of another schema version.
   */
  static openReadOnly(filename: string): ReadModel {
    return new ReadModel({ filename, readOnly: true });
  }

  /**
   * Bumped by the projection whenever a client row changes (registered,
   * deleted), in the same synchronous batch: CredentialQueries keeps client
   * records in memory while it stays the same. A read-only model is written
   * by another process (WORKERS > 1): its generation is SQLite's
   * `data_version`, which moves on every commit of another connection, so the
   * cache only lives between two commits there.
   */
  get clientsGeneration(): number {
    return this.readOnly ? this.dataVersion!.get()! : this.clientsVersion;
  }

  clientsChanged(): void {
    this.clientsVersion++;
  }

  /** Last position the named projection applied (0: nothing yet). */
  checkpoint(name: string): number {
    return this.checkpointStatements.load.get(name)?.position ?? 0;
  }

  /** Sets the named projection's checkpoint; call it inside the transaction of the change it covers (invariant 7). */
  saveCheckpoint(name: string, position: number): void {
    this.checkpointStatements.save.run({ name, position });
  }

  /** The tables, in snapshot order, with the column that orders their rows. */
  tables(): readonly ReadModelTable[] {
    return READ_MODEL_TABLES;
  }

  /** Every row of `table` in primary-key order, streamed (constant memory). Run inside `readConsistently` to see one state. */
  rows(table: ReadModelTable): IterableIterator<ReadModelRow> {
    return this.db.prepare<[], ReadModelRow>(`SELECT * FROM ${table.name} ORDER BY ${table.primaryKey}`).iterate();
  }

  /**
   * Attaches another read-model file to this connection as `other` (read-only
   * if this connection is), runs `use`, detaches it. Outside any transaction.
   */
  withAttached<T>(filename: string, use: () => T): T {
    this.db.prepare('ATTACH DATABASE ? AS other').run(filename);
    try {
      return use();
    } finally {
      this.db.prepare('DETACH DATABASE other').run();
    }
  }

  /**
   * Whether every table of this model holds, row for row in rowid (insertion)
   * order, the same values as the same table of the attached model
   * (`withAttached`): a sufficient proof of equality that SQLite checks in one
   * sequential pass per table, as two replays of one log insert their rows in
   * the same order. False is no proof of a difference (rows may only be
   * ordered differently): compare by primary key then. Returns the rows of
   * this model when equal. Run it inside `readConsistently`.
   */
  sameRowsAsAttached(): { equal: boolean; rows: number } {
    let rows = 0;
    for (const { name } of READ_MODEL_TABLES) {
      const columns = this.db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`).all();
      const same = columns.map(({ name: column }) => `a.${column} IS b.${column} COLLATE BINARY`).join(' AND ');
      const counts = this.db
        .prepare<[], { here: number; there: number; same: number }>(
          `SELECT (SELECT count(*) FROM main.${name}) AS here, (SELECT count(*) FROM other.${name}) AS there,
             (SELECT count(*) FROM main.${name} a JOIN other.${name} b ON b.rowid = a.rowid WHERE ${same}) AS same`,
        )
        .get() as { here: number; there: number; same: number };
      if (counts.here !== counts.there || counts.same !== counts.here) return { equal: false, rows };
      rows += counts.here;
    }
    return { equal: true, rows };
  }

  /** Runs `read` in one read transaction: a projection committing on another connection cannot tear what it sees. */
  readConsistently<T>(read: () => T): T {
    return this.db.transaction(read).deferred();
  }

  /**
   * A deterministic dump of every table, rows sorted by primary key, each row
   * canonical JSON (keys sorted): two read models built from the same log give
   * the same string byte for byte (invariant 1). One line per row, so a test
   * failure shows a readable diff.
   */
  snapshot(): string {
    const lines: string[] = [];
    this.readConsistently(() => {
      for (const table of READ_MODEL_TABLES) {
        lines.push(`# ${table.name}`);
        for (const row of this.rows(table)) lines.push(canonicalJson(row));
      }
    });
    return `${lines.join('\n')}\n`;
  }

  /**
   * Ends a bulk build: creates the deferred unique indexes (false, and
   * nothing else done, when two rows share a value: see
   * `createDeferredUniqueIndexes`) and the query indexes (one sort each
   * instead of an insert per row), fsyncs the file as it stands, switches to WAL with
   * synchronous=NORMAL like any live model, and only then writes the schema
   * version that marks it complete.
   */
  completeBulkBuild(): boolean {
    if (!this.createDeferredUniqueIndexes()) return false;
    this.db.exec(READ_MODEL_QUERY_INDEXES_DDL);
    if (this.filename !== ':memory:') {
      const fd = openSync(this.filename, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION}`);
    return true;
  }

  /**
   * Creates the unique indexes a build with `deferUniqueIndexes` left out
   * (nothing when they exist). False: two rows share a token hash or an issue
   * position, which the live projection would have refused at the second
   * insert; the build must then be done again with the indexes in place.
   */
  createDeferredUniqueIndexes(): boolean {
    const uniqueIndexes = this.db.prepare<[], number>(`SELECT count(*) FROM pragma_index_list('credentials') WHERE "unique" = 1 AND origin != 'pk'`).pluck().get();
    if (uniqueIndexes !== 0) return true;
    try {
      this.db.transaction(() => this.db.exec(READ_MODEL_DEFERRED_UNIQUE_DDL))();
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private prepareCheckpointStatements(): ReadModel['checkpointStatements'] {
    return {
      load: this.db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?'),
      save: this.db.prepare<[{ name: string; position: number }]>(
        'INSERT INTO checkpoints (name, position) VALUES (@name, @position) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
      ),
    };
  }

  private prepareSchema(ddl: string): void {
    this.db
      .transaction(() => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version === READ_MODEL_SCHEMA_VERSION) return;
        // Derived data: a file of another layout is dropped and rebuilt from the log.
        for (const { name } of READ_MODEL_TABLES) this.db.exec(`DROP TABLE IF EXISTS ${name}`);
        this.db.exec(ddl);
        this.db.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION}`);
      })
      .immediate();
  }
}

function openExisting(filename: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(filename, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== READ_MODEL_SCHEMA_VERSION) {
      throw new ReadModelUnreadableError(`${filename} has read-model schema version ${version}, this build reads ${READ_MODEL_SCHEMA_VERSION}`);
    }
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof ReadModelUnreadableError) throw error;
    throw new ReadModelUnreadableError(`cannot read ${filename}: ${messageOf(error)}`);
  }
}
