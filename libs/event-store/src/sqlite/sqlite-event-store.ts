import Database from 'better-sqlite3';
import { preparePrivateSqliteFile, systemClock, type Clock } from '@app/shared';
import { ConcurrencyError, EventStoreUnavailableError } from '../errors';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadPagesOptions,
  StoredEvent,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { canonicalJson, GENESIS_HASH, hashStoredContent, type StoredContent, type StreamHead } from '../integrity';
import { prepareDatabase } from './schema';
import { closedError, toEventStoreError } from './sqlite-errors';
import { SqliteSubscription, type LogReader } from './sqlite-subscription';

export interface SqliteEventStoreOptions {
  /** Database file (its parent directories are created), or `':memory:'` for tests. */
  filename: string;
  /** How often a caught-up subscription looks for appends made by another process on the same file. Default 100. */
  pollIntervalMs?: number;
  /** How long a call waits for another connection's lock before EventStoreUnavailableError. Default 5000. */
  busyTimeoutMs?: number;
  /** Events per read page (readAll and subscriptions): bounds memory whatever the log's size. Default 500. */
  pageSize?: number;
  /** Stamps `created_at`, the store's record time (the domain's own time is `metadata.occurredAt`). */
  clock?: Clock;
  /** Most appends one group commit carries (the rest wait for the next). Default 500. */
  maxGroupSize?: number;
}

/** A row as COLUMNS selects it: the stored content (JSON texts) plus its position and hashes. */
interface EventRow extends StoredContent {
  position: number;
  prevHash: string;
  hash: string;
}

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

const COLUMNS = `position, event_id AS id, stream_id AS streamId, revision, type, data, metadata,
  prev_hash AS prevHash, hash`;

/** No stream: the revision a missing stream is "at" (EventStoreDB's -1). */
const NO_REVISION = -1;

/**
 * The embedded event store (architecture.md, "Adapters and the embedded
 * default"): one SQLite file through better-sqlite3, WAL, every commit fsynced.
 *
 * better-sqlite3 is synchronous: each call runs to completion on the event
 * loop, so one instance never interleaves two appends; other processes on the
 * same file are serialised by `BEGIN IMMEDIATE` and wait up to `busyTimeoutMs`.
 * Concurrent appends share one transaction and one fsync (group commit, see
 * appendToStream).
 *
 * Idempotency: an append whose event ids are already stored in this stream, in
 * the same order at consecutive revisions that the stated expected revision
 * would have produced, returns the original result and writes nothing (what
 * EventStoreDB does for a retried write). Event ids are unique across the whole
 * log here: an id already stored anywhere else (another stream, another place
 * in this stream) is refused with ConcurrencyError, whose `actual` names where
 * the id lives; a retry from fresh state with new ids then succeeds.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private closed = false;
  /** Appends waiting for the next group commit, in call order. */
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly maxGroupSize: number;
  private readonly stats = { commits: 0, appends: 0 };

  private readonly selectStreamHead: Database.Statement<[string], StreamHead>;
  private readonly selectEventId: Database.Statement<[string], StoredId>;
  private readonly insertEvent: Database.Statement<[string, string, number, string, string, string, string, string, string]>;
  private readonly selectStream: Database.Statement<[string], EventRow>;
  private readonly selectLastOfStream: Database.Statement<[string], EventRow>;
  private readonly selectHead: Database.Statement<[], number>;
  /** Page queries by number of stream prefixes (0 = unfiltered), prepared once each. */
  private readonly pageStatements = new Map<number, Database.Statement<unknown[], EventRow>>();
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: NewEvent[], expected: ExpectedRevision) => AppendOutcome
  >;
  private readonly groupTransaction: Database.Transaction<(group: PendingAppend[]) => Settled[]>;
  private readonly reader: LogReader = {
    head: () => this.head(),
    readPage: (after, upTo, limit, prefixes) => this.readPage(after, upTo, limit, prefixes),
  };

  constructor(options: SqliteEventStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = positiveInteger(options.pollIntervalMs ?? 100, 'pollIntervalMs');
    this.pageSize = positiveInteger(options.pageSize ?? 500, 'pageSize');
    this.maxGroupSize = positiveInteger(options.maxGroupSize ?? 500, 'maxGroupSize');
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    try {
      preparePrivateSqliteFile(options.filename);
      this.db = new Database(options.filename, { timeout: busyTimeoutMs });
      prepareDatabase(this.db);
    } catch (error) {
      throw toOpenError(error, options.filename);
    }

    this.selectStreamHead = this.db.prepare(
      'SELECT revision, hash, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.selectEventId = this.db.prepare('SELECT stream_id AS streamId, revision, position FROM events WHERE event_id = ?');
    this.insertEvent = this.db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, prev_hash, hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectStream = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision`);
    this.selectLastOfStream = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`);
    this.selectHead = this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
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

  /**
   * Group commit: appends called within one turn of the event loop are
   * queued and written together, after the turn (setImmediate), in one
   * `BEGIN IMMEDIATE` transaction and so one fsync. Each append runs in a
   * savepoint of its own, in call order: it reads its stream's head (earlier
   * appends of the group included, so a stream appended twice chains in
   * order), checks its expected revision and its event ids, and a failure
   * rolls back that append alone. Every promise settles only after COMMIT
   * returned: nothing is acknowledged before it is durable. The write lock is
   * taken before any expected revision is read, so check and write cannot be
   * split by another process. An empty `events` only checks the expected revision.
   */
  appendToStream(streamId: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    try {
      this.assertOpen();
      validateAppend(streamId, events, options.expectedRevision);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ streamId, events, expected: options.expectedRevision, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Group commits so far: how many transactions, and how many appends they carried. */
  groupCommitStats(): { commits: number; appends: number } {
    return { ...this.stats };
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    this.assertOpen();
    try {
      return this.selectStream.all(streamId).map(toRecordedEvent);
    } catch (error) {
      throw toEventStoreError(error, 'readStream');
    }
  }

  async readLastEvent(streamId: string): Promise<RecordedEvent | undefined> {
    this.assertOpen();
    try {
      const row = this.selectLastOfStream.get(streamId);
      return row ? toRecordedEvent(row) : undefined;
    } catch (error) {
      throw toEventStoreError(error, 'readLastEvent');
    }
  }

  /**
   * Reads page by page (`pageSize` rows per query, no cursor held open between
   * pages), up to the head as it was when iteration started: events appended
   * meanwhile are left to a subscription. An empty `streamPrefixes` means no filter.
   */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let cursor = options.after ?? 0;
    const upTo = this.head();
    while (remaining > 0 && cursor < upTo) {
      const limit = Math.min(this.pageSize, remaining);
      this.assertOpen();
      const page = this.readPage(cursor, upTo, limit, options.streamPrefixes);
      for (const event of page) yield event;
      if (page.length < limit) return;
      remaining -= page.length;
      cursor = page[page.length - 1].position;
    }
  }

  /** Pages of `pageSize` events up to `untilPosition` (or the head as it was when reading began), each with its stored text. */
  async *readPages(options: ReadPagesOptions): AsyncIterable<StoredEvent[]> {
    this.assertOpen();
    const limit = positiveInteger(options.pageSize, 'pageSize');
    let cursor = options.after ?? 0;
    const upTo = Math.min(options.untilPosition ?? Number.POSITIVE_INFINITY, this.head());
    while (cursor < upTo) {
      this.assertOpen();
      const page = this.readRows(cursor, upTo, limit, options.streamPrefixes).map(toStoredEvent);
      if (page.length > 0) yield page;
      if (page.length < limit) return;
      cursor = page[page.length - 1].position;
    }
  }

  /**
   * Catch-up then live. Appends through this instance wake the subscription at
   * once; appends by other processes are seen within `pollIntervalMs`.
   * A handler that rejects, or a read that fails, stops it and calls `onError`.
   */
  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const subscription = new SqliteSubscription(
      this.reader,
      options,
      { pollIntervalMs: this.pollIntervalMs, pageSize: this.pageSize },
      (finished) => this.subscriptions.delete(finished),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.head();
  }

  /** Commits the appends already queued, stops every subscription (waiting for running handlers), then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.pending.length > 0) this.flush();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.db.close();
  }

  /** One group commit of up to `maxGroupSize` queued appends; the rest get the next turn. */
  private flush(): void {
    this.flushScheduled = false;
    const group = this.pending.splice(0, this.maxGroupSize);
    if (group.length === 0) return;
    if (this.pending.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (this.closed) {
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
    if (written) for (const subscription of this.subscriptions) subscription.notify();
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

    const createdAt = this.clock.now().toISOString();
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

  private head(): number {
    try {
      return this.selectHead.get() as number;
    } catch (error) {
      throw toEventStoreError(error, 'headPosition');
    }
  }

  private readPage(after: number, upTo: number, limit: number, prefixes: readonly string[] | undefined): RecordedEvent[] {
    return this.readRows(after, upTo, limit, prefixes).map(toRecordedEvent);
  }

  private readRows(after: number, upTo: number, limit: number, prefixes: readonly string[] | undefined): EventRow[] {
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

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
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

function toStoredEvent(row: EventRow): StoredEvent {
  return { ...toRecordedEvent(row), storedData: row.data, storedMetadata: row.metadata };
}

function satisfies(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === NO_REVISION;
    case 'stream_exists':
      return current !== NO_REVISION;
    default:
      return current === expected;
  }
}

function describeRevision(revision: ExpectedRevision): string {
  return revision === NO_REVISION ? 'no_stream' : String(revision);
}

function validateAppend(streamId: string, events: NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new TypeError(`expectedRevision must be a non-negative integer, 'no_stream', 'stream_exists' or 'any'`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('every event needs a non-empty id');
    if (ids.has(event.id)) throw new TypeError(`event id ${event.id} appears twice in one append`);
    ids.add(event.id);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
  return value;
}

function toOpenError(error: unknown, filename: string): unknown {
  const mapped = toEventStoreError(error, `open ${filename}`);
  if (mapped !== error) return mapped;
  // mkdir failures (EACCES, ENOTDIR, ...) are the environment's, not the caller's.
  // Duck-typed: Node's system errors may come from another realm (Jest sandboxes), where instanceof Error fails.
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && code.startsWith('E')) {
    return new EventStoreUnavailableError(`sqlite event store: cannot open ${filename} (${code})`, { cause: error });
  }
  return error;
}
