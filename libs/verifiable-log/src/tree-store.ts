import Database from 'better-sqlite3';
import { CompactRange, leafHash, OutOfRangeError, rootAt, type NodeReader } from '@app/transparency-log';
import { preparePrivateSqliteFile } from '@app/process';
import type { RecordedEvent } from '@app/event-store';
import { leafDataOf } from './leaf';

/** A stored leaf (`GET /api/v2/audit/leaves/{index}`). */
export interface StoredLeaf {
  index: number;
  eventId: string;
  position: number;
  data: Buffer;
}

/** A signed checkpoint the tree keeps, newest last. */
export interface StoredCheckpoint {
  size: number;
  note: string;
}

/**
 * The log's tree in its own SQLite file (0600, WAL): every complete subtree
 * hash by (level, index) as C2SP tlog-tiles lays them out, so a root or a
 * proof costs O(log n) reads; the leaves (for `leaves/{index}` and an event
 * id's index); the position of the last event appended (the handler's
 * checkpoint, committed with the nodes); the signed checkpoints.
 * Rebuildable: delete the file and the consumer appends the log again.
 */
export class TreeStore implements NodeReader {
  private readonly db: Database.Database;
  private range: CompactRange;
  private readonly stmts;

  constructor(filename: string) {
    preparePrivateSqliteFile(filename);
    this.db = new Database(filename, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS leaves (idx INTEGER PRIMARY KEY, event_id TEXT NOT NULL, position INTEGER NOT NULL, data BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS leaves_by_event ON leaves (event_id);
      CREATE INDEX IF NOT EXISTS leaves_by_position ON leaves (position);
      CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, position INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, signed_at TEXT NOT NULL);
      INSERT OR IGNORE INTO state (id, size, position) VALUES (1, 0, 0);
    `);
    this.stmts = {
      node: this.db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM nodes WHERE level = ? AND idx = ?'),
      putNode: this.db.prepare<[number, number, Buffer]>('INSERT OR REPLACE INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      putLeaf: this.db.prepare<[number, string, number, Buffer]>('INSERT OR REPLACE INTO leaves (idx, event_id, position, data) VALUES (?, ?, ?, ?)'),
      leaf: this.db.prepare<[number], { idx: number; event_id: string; position: number; data: Buffer }>('SELECT idx, event_id, position, data FROM leaves WHERE idx = ?'),
      leafOf: this.db.prepare<[string], { idx: number }>('SELECT idx FROM leaves WHERE event_id = ? ORDER BY idx LIMIT 1'),
      leafAt: this.db.prepare<[number], { idx: number }>('SELECT idx FROM leaves WHERE position = ? ORDER BY idx LIMIT 1'),
      state: this.db.prepare<[], { size: number; position: number }>('SELECT size, position FROM state WHERE id = 1'),
      setState: this.db.prepare<[number, number]>('UPDATE state SET size = ?, position = ? WHERE id = 1'),
      putCheckpoint: this.db.prepare<[number, string, string]>('INSERT OR REPLACE INTO checkpoints (size, note, signed_at) VALUES (?, ?, ?)'),
      checkpoints: this.db.prepare<[], StoredCheckpoint>('SELECT size, note FROM checkpoints ORDER BY size'),
      latest: this.db.prepare<[], StoredCheckpoint>('SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1'),
    };
    this.range = CompactRange.restore(this, this.size);
  }

  node(level: number, index: number): Buffer {
    const row = this.stmts.node.get(level, index);
    if (!row) throw new OutOfRangeError(`no complete node at level ${level}, index ${index}`);
    return row.hash;
  }

  get size(): number {
    return this.stmts.state.get()!.size;
  }

  /** Position of the last event appended (the consumer's checkpoint). */
  get position(): number {
    return this.stmts.state.get()!.position;
  }

  /** Appends events in log order, with their nodes and the new position, in one transaction. */
  append(events: readonly RecordedEvent[], position: number): number {
    if (events.length === 0 && position === this.position) return position;
    const range = CompactRange.restore(this, this.size);
    this.db.transaction(() => {
      for (const event of events) {
        const data = leafDataOf(event);
        const index = range.size;
        for (const node of range.append(leafHash(data))) this.stmts.putNode.run(node.level, node.index, node.hash);
        this.stmts.putLeaf.run(index, event.id, event.position, data);
      }
      this.stmts.setState.run(range.size, position);
    })();
    this.range = range;
    return position;
  }

  /** The root of the whole tree (from the edge kept in memory). */
  root(): Buffer {
    return this.range.root();
  }

  rootAt(size: number): Buffer {
    return rootAt(this, size);
  }

  leaf(index: number): StoredLeaf | undefined {
    const row = this.stmts.leaf.get(index);
    return row && { index: row.idx, eventId: row.event_id, position: row.position, data: row.data };
  }

  /** The leaf index of an event id, if appended. */
  leafIndexOf(eventId: string): number | undefined {
    return this.stmts.leafOf.get(eventId)?.idx;
  }

  /** The leaf index of the event at a log position, if appended (a history entry's `leaf_index`). */
  leafIndexAt(position: number): number | undefined {
    return this.stmts.leafAt.get(position)?.idx;
  }

  saveCheckpoint(size: number, note: string, signedAt: Date): void {
    this.stmts.putCheckpoint.run(size, note, signedAt.toISOString());
  }

  latestCheckpoint(): StoredCheckpoint | undefined {
    return this.stmts.latest.get();
  }

  checkpoints(): StoredCheckpoint[] {
    return this.stmts.checkpoints.all();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
