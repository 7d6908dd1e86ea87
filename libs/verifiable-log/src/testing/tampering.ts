import Database from 'better-sqlite3';
import { computeEventHash, GENESIS_HASH, type EventMetadata } from '@app/event-store';

/**
 * What an attacker with write access to DATA_DIR does to `events.sqlite`:
 * drops the immutability triggers and rewrites rows directly. Test-only.
 */
export function tamperWithLog(eventsFile: string, sql: (db: Database.Database) => void): void {
  const db = new Database(eventsFile);
  try {
    db.exec('DROP TRIGGER IF EXISTS events_are_immutable; DROP TRIGGER IF EXISTS events_are_never_deleted;');
    sql(db);
  } finally {
    db.close();
  }
}

interface Row {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/** Recomputes one stream's whole hash chain, as an attacker covering an edit would (the per-stream chain then checks out). */
export function rechainStream(db: Database.Database, streamId: string): void {
  const rows = db.prepare<[string], Row>('SELECT position, event_id, stream_id, revision, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision').all(streamId);
  let prev = GENESIS_HASH;
  for (const row of rows) {
    const hash = computeEventHash(prev, {
      id: row.event_id,
      streamId: row.stream_id,
      revision: row.revision,
      type: row.type,
      data: JSON.parse(row.data) as object,
      metadata: JSON.parse(row.metadata) as EventMetadata,
    });
    db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?').run(prev, hash, row.position);
    prev = hash;
  }
}
