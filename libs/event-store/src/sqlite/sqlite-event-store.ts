import Database from 'better-sqlite3';
import { systemClock, type Clock } from '@app/shared';
import { preparePrivateSqliteFile } from '@app/process';
import { EventStoreUnavailableError } from '../errors';
import type {
  AppendResult,
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
import { prepareDatabase } from './schema';
import { SqliteAppends, validateAppend } from './sqlite-append';
import { closedError, toEventStoreError } from './sqlite-errors';
import { COLUMNS, SqlitePages, toRecordedEvent, type EventRow } from './sqlite-rows';
import { SqliteSubscription, type LogReader } from './sqlite-subscription';
import { appendSpan } from '../append-span';

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
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private closed = false;
  private readonly appends: SqliteAppends;
  private readonly pages: SqlitePages;
  private readonly selectStream: Database.Statement<[string], EventRow>;
  private readonly selectLastOfStream: Database.Statement<[string], EventRow>;
  private readonly selectHead: Database.Statement<[], number>;
  private readonly reader: LogReader = {
    head: () => this.head(),
    readPage: (after, upTo, limit, prefixes) => this.pages.readPage(after, upTo, limit, prefixes),
  };

  constructor(options: SqliteEventStoreOptions) {
    this.pollIntervalMs = positiveInteger(options.pollIntervalMs ?? 100, 'pollIntervalMs');
    this.pageSize = positiveInteger(options.pageSize ?? 500, 'pageSize');
    const maxGroupSize = positiveInteger(options.maxGroupSize ?? 500, 'maxGroupSize');
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    try {
      preparePrivateSqliteFile(options.filename);
      this.db = new Database(options.filename, { timeout: busyTimeoutMs });
      prepareDatabase(this.db);
    } catch (error) {
      throw toOpenError(error, options.filename);
    }

    this.selectStream = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision`);
    this.selectLastOfStream = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`);
    this.selectHead = this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    this.pages = new SqlitePages(this.db);
    this.appends = new SqliteAppends(this.db, {
      clock: options.clock ?? systemClock,
      maxGroupSize,
      isClosed: () => this.closed,
      onWritten: () => {
        for (const subscription of this.subscriptions) subscription.notify();
      },
    });
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
    return appendSpan('sqlite', streamId, events, () => this.appends.enqueue(streamId, events, options.expectedRevision));
  }

  /** Group commits so far: how many transactions, and how many appends they carried. */
  groupCommitStats(): { commits: number; appends: number } {
    return this.appends.groupCommitStats();
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
      const page = this.pages.readPage(cursor, upTo, limit, options.streamPrefixes);
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
      const page = this.pages.readStoredPage(cursor, upTo, limit, options.streamPrefixes);
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
    this.appends.flushAll();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.db.close();
  }

  private head(): number {
    try {
      return this.selectHead.get() as number;
    } catch (error) {
      throw toEventStoreError(error, 'headPosition');
    }
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
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
