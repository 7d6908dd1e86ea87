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

/**
 * Reads of the log by position: pages of rows after a position and up to a
 * bound, optionally of some stream prefixes, one prepared statement per
 * number of prefixes.
 */
export class SqlitePages {
  /** Page queries by number of stream prefixes (0 = unfiltered), prepared once each. */
  private readonly pageStatements = new Map<number, Database.Statement<unknown[], EventRow>>();

  constructor(private readonly db: Database.Database) {}

  readPage(after: number, upTo: number, limit: number, prefixes: readonly string[] | undefined): RecordedEvent[] {
    return this.readRows(after, upTo, limit, prefixes).map(toRecordedEvent);
  }

  readRows(after: number, upTo: number, limit: number, prefixes: readonly string[] | undefined): EventRow[] {
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

  private pageStatement(prefixCount: number): Database.Statement<unknown[], EventRow> {
    let statement = this.pageStatements.get(prefixCount);
    if (!statement) {
      // substr/length count characters, as [...prefix].length does: an exact prefix test (LIKE would need escaping).
      const filter =
        prefixCount === 0
          ? ''
          : `AND (${Array.from({ length: prefixCount }, () => 'substr(stream_id, 1, ?) = ?').join(' OR ')})`;
      statement = this.db.prepare<unknown[], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? AND position <= ? ${filter} ORDER BY position LIMIT ?`,
      );
      this.pageStatements.set(prefixCount, statement);
    }
    return statement;
  }
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

/**
 * One object literal, not `{ ...toRecordedEvent(row), ... }`: the spread copy
 * of every event was as much CPU as reading and parsing it (a replay reads a
 * million of them).
 */
export function toStoredEvent(row: EventRow): StoredEvent {
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
    storedData: row.data,
    storedMetadata: row.metadata,
  };
}
