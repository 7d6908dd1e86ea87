import type Database from 'better-sqlite3';
import type { Clock } from '@app/shared';
import { ConcurrencyError } from '../errors';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port';
import { canonicalJson, GENESIS_HASH, hashStoredContent, type StreamHead } from '../integrity';
import { closedError, toEventStoreError } from './sqlite-errors';

interface StoredId {
  streamId: string;
  revision: number;
  position: number;
}

/** What the append transaction returns: the port's result, and whether anything was written (to wake subscriptions). */
type AppendOutcome = AppendResult & { written: boolean };

/** An append waiting for its group commit. */
interface PendingAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** One append's fate inside a group transaction (it rolled back to its savepoint when not ok). */
type Settled = { ok: true; outcome: AppendOutcome } | { ok: false; error: unknown };

/** No stream: the revision a missing stream is "at" (EventStoreDB's -1). */
const NO_REVISION = -1;

export interface SqliteAppendsOptions {
  clock: Clock;
  /** Most appends one group commit carries (the rest wait for the next). */
  maxGroupSize: number;
  /** Whether the store was closed (queued appends are then refused). */
  isClosed(): boolean;
  /** After a commit that wrote events: wake the subscriptions. */
  onWritten(): void;
}

/**
 * The write side of the SQLite event store: group commit, the expected
 * revision check, the per-stream hash chain, and idempotent retries (see
 * SqliteEventStore for the rules).
 */
export class SqliteAppends {
  /** Appends waiting for the next group commit, in call order. */
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly stats = { commits: 0, appends: 0 };
  private readonly selectStreamHead: Database.Statement<[string], StreamHead>;
  private readonly selectEventId: Database.Statement<[string], StoredId>;
  private readonly insertEvent: Database.Statement<[string, string, number, string, string, string, string, string, string]>;
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: NewEvent[], expected: ExpectedRevision) => AppendOutcome
  >;
  private readonly groupTransaction: Database.Transaction<(group: PendingAppend[]) => Settled[]>;

  constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteAppendsOptions,
  ) {
    this.selectStreamHead = this.db.prepare(
      'SELECT revision, hash, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.selectEventId = this.db.prepare('SELECT stream_id AS streamId, revision, position FROM events WHERE event_id = ?');
    this.insertEvent = this.db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, prev_hash, hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.appendTransaction = this.db.transaction((streamId: string, events: NewEvent[], expected: ExpectedRevision) =>
      this.appendInTransaction(streamId, events, expected),
    );
    // Inside this transaction each appendTransaction call is a SAVEPOINT (better-sqlite3 nests that way).
    this.groupTransaction = this.db.transaction((group: PendingAppend[]) =>
      group.map((append): Settled => {
        try {
          return { ok: true, outcome: this.appendTransaction(append.streamId, append.events, append.expected) };
        } catch (error) {
          // An error SQLite answered by rolling back the whole transaction fails the whole group.
          if (!this.db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
  }

  /** Queues an append for the next group commit (validated by the caller). */
  enqueue(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ streamId, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every append already queued (at close). */
  flushAll(): void {
    while (this.pending.length > 0) this.flush();
  }

  /** Group commits so far: how many transactions, and how many appends they carried. */
  groupCommitStats(): { commits: number; appends: number } {
    return { ...this.stats };
  }

  /** One group commit of up to `maxGroupSize` queued appends; the rest get the next turn. */
  private flush(): void {
    this.flushScheduled = false;
    const group = this.pending.splice(0, this.options.maxGroupSize);
    if (group.length === 0) return;
    if (this.pending.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (this.options.isClosed()) {
      for (const append of group) append.reject(closedError());
      return;
    }
    let settled: Settled[];
    try {
      settled = this.groupTransaction.immediate(group);
    } catch (error) {
      const mapped = toEventStoreError(error, 'append');
      for (const append of group) append.reject(mapped);
      return;
    }
    this.stats.commits++;
    this.stats.appends += group.length;
    let written = false;
    settled.forEach((result, i) => {
      if (result.ok) {
        written ||= result.outcome.written;
        group[i].resolve({ nextExpectedRevision: result.outcome.nextExpectedRevision, position: result.outcome.position });
      } else {
        group[i].reject(toEventStoreError(result.error, 'append'));
      }
    });
    if (written) this.options.onWritten();
  }

  private appendInTransaction(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): AppendOutcome {
    const head = this.selectStreamHead.get(streamId);
    const current = head?.revision ?? NO_REVISION;

    const retried = this.findRetriedAppend(streamId, events, expected);
    if (retried) return { ...retried, written: false };

    if (!satisfies(expected, current)) {
      throw new ConcurrencyError(streamId, describeRevision(expected), describeRevision(current));
    }
    if (events.length === 0) {
      return { nextExpectedRevision: current, position: head?.position ?? 0, written: false };
    }

    const createdAt = this.options.clock.now().toISOString();
    let prevHash = head?.hash ?? GENESIS_HASH;
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      // Stored as canonical JSON of what a reader gets back (the JSON round trip): the stored text is
      // exactly what is hashed, so a replay checks the chain over the text without re-serializing it.
      const dataJson = canonicalJson(JSON.parse(JSON.stringify(event.data)));
      const metadataJson = canonicalJson(JSON.parse(JSON.stringify(event.metadata)));
      const hash = hashStoredContent(prevHash, { id: event.id, streamId, revision, type: event.type, data: dataJson, metadata: metadataJson });
      const info = this.insertEvent.run(
        event.id,
        streamId,
        revision,
        event.type,
        dataJson,
        metadataJson,
        prevHash,
        hash,
        createdAt,
      );
      position = Number(info.lastInsertRowid);
      prevHash = hash;
    }
    return { nextExpectedRevision: revision, position, written: true };
  }

  /**
   * The original result when every id of `events` is already stored in this
   * stream, in order, at the place `expected` designates; undefined when none
   * of the ids is stored; ConcurrencyError when some are stored elsewhere.
   */
  private findRetriedAppend(streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult | undefined {
    if (events.length === 0) return undefined;
    const stored = events.map((event) => this.selectEventId.get(event.id));
    if (stored.every((row) => row === undefined)) return undefined;

    const first = stored[0];
    const sameBatch =
      first !== undefined &&
      stored.every((row, i) => row !== undefined && row.streamId === streamId && row.revision === first.revision + i) &&
      satisfies(expected, first.revision - 1);
    if (sameBatch) {
      const last = stored[stored.length - 1] as StoredId;
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    const clash = stored.find((row): row is StoredId => row !== undefined) as StoredId;
    const id = events[stored.indexOf(clash)].id;
    throw new ConcurrencyError(
      streamId,
      describeRevision(expected),
      `event id ${id} already recorded in stream ${clash.streamId} at revision ${clash.revision}`,
    );
  }
}

function satisfies(expected: ExpectedRevision, current: number): boolean {
  return current === (expected === 'no_stream' ? NO_REVISION : expected);
}

function describeRevision(revision: ExpectedRevision): string {
  return revision === NO_REVISION ? 'no_stream' : String(revision);
}

export function validateAppend(streamId: string, events: NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new TypeError(`expectedRevision must be a non-negative integer or 'no_stream'`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('every event needs a non-empty id');
    if (ids.has(event.id)) throw new TypeError(`event id ${event.id} appears twice in one append`);
    ids.add(event.id);
  }
}

