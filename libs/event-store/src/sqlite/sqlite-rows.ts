import type Database from 'better-sqlite3';
import type { EventMetadata, RecordedEvent, StoredEvent } from '../event-store.port';
import type { StoredContent } from '../integrity';
import { toEventStoreError } from './sqlite-errors';

/** A row as COLUMNS selects it: the stored content (JSON texts) plus its position and hashes. */
export interface EventRow extends StoredContent {
  position: number;
  prevHash: string;
  hash: string;
}

export const COLUMNS = `position, event_id AS id, stream_id AS streamId, revision, type, data, metadata,
  prev_hash AS prevHash, hash`;

/** A row of COLUMNS in raw mode (an array, in COLUMNS' order): better-sqlite3 builds no object per row. */
type RawEventRow = [position: number, id: string, streamId: string, revision: number, type: string, data: string, metadata: string, prevHash: string, hash: string];

/**
 * Reads of the log by position: pages of rows after a position and up to a
 * bound, optionally of some stream prefixes, one prepared statement per
 * number of prefixes. The page statements return raw rows (arrays), and each
 * event is made from one in a single object literal: a replay reads a
 * million of them, and the row objects better-sqlite3 would build first cost
 * about a fifth of the read.
 */
export class SqlitePages {
  /** Page queries by number of stream prefixes (0 = unfiltered), prepared once each. */
  private readonly pageStatements = new Map<number, Database.Statement<unknown[], RawEventRow>>();

  constructor(private readonly db: Database.Database) {}

  readPage(after: number, upTo: number, limit: number, prefixes: readonly string[] | undefined): RecordedEvent[] {
    return this.readRows(after, upTo, limit, prefixes).map(rawToRecordedEvent);
  }

  /** The same page, each event with the JSON text stored for it (`readPages`). */
  readStoredPage(after: number, upTo: number, limit: number, prefixes: readonly string[] | undefined): StoredEvent[] {
    return this.readRows(after, upTo, limit, prefixes).map(rawToStoredEvent);
  }

  private readRows(after: number, upTo: number, limit: number, prefixes: readonly string[] | undefined): RawEventRow[] {
    const filter = prefixes ?? [];
    const params: unknown[] = [after, upTo];
    for (const prefix of filter) params.push([...prefix].length, prefix);
    params.push(limit);
    try {
      return this.pageStatement(filter.length).all(...params);
    } catch (error) {
      throw toEventStoreError(error, 'read');
    }
  }

  private pageStatement(prefixCount: number): Database.Statement<unknown[], RawEventRow> {
    let statement = this.pageStatements.get(prefixCount);
    if (!statement) {
      // substr/length count characters, as [...prefix].length does: an exact prefix test (LIKE would need escaping).
      const filter =
        prefixCount === 0
          ? ''
          : `AND (${Array.from({ length: prefixCount }, () => 'substr(stream_id, 1, ?) = ?').join(' OR ')})`;
      statement = this.db
        .prepare<unknown[], RawEventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? ${filter} ORDER BY position LIMIT ?`)
        .raw(true);
      this.pageStatements.set(prefixCount, statement);
    }
    return statement;
  }
}

function rawToRecordedEvent(row: RawEventRow): RecordedEvent {
  return {
    id: row[1],
    streamId: row[2],
    revision: row[3],
    position: row[0],
    type: row[4],
    data: JSON.parse(row[5]) as Record<string, unknown>,
    metadata: JSON.parse(row[6]) as EventMetadata,
    prevHash: row[7],
    hash: row[8],
  };
}

function rawToStoredEvent(row: RawEventRow): StoredEvent {
  return {
    id: row[1],
    streamId: row[2],
    revision: row[3],
    position: row[0],
    type: row[4],
    data: JSON.parse(row[5]) as Record<string, unknown>,
    metadata: JSON.parse(row[6]) as EventMetadata,
    prevHash: row[7],
    hash: row[8],
    storedData: row[5],
    storedMetadata: row[6],
  };
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.streamId,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
