import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type Position,
  type StreamingRead,
} from '@eventstore/db-client';
import { ConcurrencyError, EventStoreUnavailableError } from '../errors';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../event-store.port';
import { GENESIS_HASH, computeEventHash } from '../integrity';
import { isTransient, toEventStoreError, unreachableReason } from './eventstoredb-errors';
import { comparePositions, fromPortPosition, fromResolved, isSystemEvent, toEventData, toPositionNumber, toRevisionNumber } from './eventstoredb-events';
import { DEFAULT_RECONNECT, EventStoreDbSubscription, reconnectDelayMs, type ReconnectPolicy } from './eventstoredb-subscription';
import { appendSpan } from '../append-span';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false`; see the EventStoreDB client docs for the parameters. */
  connectionString: string;
  /**
   * Upper bound (ms) on one append or stream read, on top of the client's own
   * deadlines, so an unreachable store answers EventStoreUnavailableError
   * instead of hanging. Default 5000.
   */
  operationTimeoutMs?: number;
  /** Reconnect backoff of subscriptions after a dropped connection. */
  reconnect?: Partial<ReconnectPolicy>;
}

/** Events per `$all` page: bounded reads complete on their own instead of holding a call open. */
const READ_ALL_PAGE = 512;

/** What the adapter knows of a stream's tail before appending. */
interface StreamTail {
  revision: number;
  hash: string;
}

/**
 * The EventStore port over EventStoreDB (gRPC, @eventstore/db-client 6.x):
 * the production adapter, selected by `EVENT_STORE=eventstoredb` with
 * `EVENTSTORE_CONNECTION_STRING`.
 *
 * - One EventStoreDB stream per aggregate (`refreshToken-<id>`, `client-<id>`);
 *   the stream id is the caller's.
 * - Appends state their expected revision; the hash chain (integrity.ts) is
 *   kept in each event's metadata under `$integrity`. To chain, the adapter
 *   reads the stream's last event and appends with exactly that revision as
 *   the expectation, so a concurrent writer makes the append fail instead of
 *   forking the chain (a ConcurrencyError, or an idempotent success when
 *   the same events are already there).
 * - Positions are EventStoreDB commit positions (byte offsets in its log).
 * - `$`-prefixed (system) streams and event types are never returned.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly timeoutMs: number;
  private readonly reconnect: ReconnectPolicy;
  private readonly subscriptions = new Set<Subscription>();
  /** `host:port[,host:port]` of the connection string, without credentials: for log lines. */
  readonly address: string;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.address = serverAddress(options.connectionString);
    this.timeoutMs = options.operationTimeoutMs ?? 5000;
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
  }

  appendToStream(streamId: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    return appendSpan('eventstoredb', streamId, events, async () => {
      const expected = options.expectedRevision;
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.withTimeout(`append to ${streamId}`, this.appendOnce(streamId, events, expected, attempt === 1));
        } catch (error) {
          // A concurrent writer moved the stream between our read and our append.
          // Decide again from fresh state: an idempotent success or a ConcurrencyError with the real revision.
          if (error instanceof WrongExpectedVersionError && attempt < 2) continue;
          throw toEventStoreError(error, streamId);
        }
      }
    });
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.withTimeout(`read ${streamId}`, this.collect(this.client.readStream(streamId)));
  }

  async readLastEvent(streamId: string): Promise<RecordedEvent | undefined> {
    return this.withTimeout(`read the end of ${streamId}`, this.readLast(streamId));
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const prefixes = options.streamPrefixes;
    // The client's fromPosition is inclusive; the port's `after` is exclusive.
    // Pages resume from the last (commit, prepare) read, compared as a tuple:
    // the events of one transaction share a commit position.
    let from: Position | undefined = options.after !== undefined && options.after > 0 ? fromPortPosition(options.after) : undefined;
    let skip = from;
    for (;;) {
      const page = this.client.readAll({ fromPosition: from ?? START, maxCount: READ_ALL_PAGE });
      let read = 0;
      let last: Position | undefined;
      let finished = false;
      try {
        for await (const resolved of page) {
          read++;
          const position = resolved.event?.position;
          last = position;
          if (position && skip && comparePositions(position, skip) === 0) continue;
          const event = fromResolved(resolved);
          if (!event || isSystemEvent(event.streamId, event.type)) continue;
          if (prefixes && prefixes.length > 0 && !prefixes.some((p) => event.streamId.startsWith(p))) continue;
          yield event;
          if (--remaining <= 0) return;
        }
        finished = true;
      } catch (error) {
        throw toEventStoreError(error);
      } finally {
        if (!finished) await page.cancel().catch(() => undefined);
      }
      if (read < READ_ALL_PAGE || last === undefined) return;
      from = last;
      skip = last;
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = new EventStoreDbSubscription(this.client, options, this.reconnect);
    const tracked: Subscription = {
      stop: async () => {
        this.subscriptions.delete(tracked);
        await subscription.stop();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  /**
   * Start-up: resolves once the server answers a read of `$all`. While it is
   * unreachable, calls `onWaiting` with "waiting for EventStoreDB at
   * <host:port> (attempt N): <why>" and retries with the reconnect backoff; when it
   * refuses our credentials, throws EventStoreAccessDeniedError at once.
   */
  async waitUntilReachable(onWaiting: (message: string, attempt: number) => void, options: { maxAttempts?: number } = {}): Promise<void> {
    const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.withTimeout('a read of $all', this.collect(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })));
        return;
      } catch (error) {
        if (!isTransient(error) || attempt >= maxAttempts) throw error;
        onWaiting(`waiting for EventStoreDB at ${this.address} (attempt ${attempt}): ${unreachableReason(error)}`, attempt);
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(this.reconnect, attempt)));
      }
    }
  }

  async headPosition(): Promise<number> {
    return this.withTimeout('read head position', this.lastUserPosition());
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  // ------------------------------------------------------------------ internals

  /**
   * `firstAttempt` with 'no_stream' (every issuance): the chain starts at
   * GENESIS_HASH whatever, so the append goes out without reading the stream
   * first (one round trip instead of two). If the stream exists the server
   * refuses it (or answers an idempotent retry as done), and the retry reads.
   */
  private async appendOnce(streamId: string, events: NewEvent[], expected: ExpectedRevision, firstAttempt: boolean): Promise<AppendResult> {
    const blind = firstAttempt && expected === 'no_stream' && events.length > 0;
    const tail = blind ? undefined : await this.readTail(streamId);
    const current = tail?.revision ?? -1;

    const expectedNumber = expected === 'no_stream' ? -1 : expected;
    if (current !== expectedNumber) {
      // The same events already sit right after the expected revision: an idempotent retry.
      if (current > expectedNumber) {
        const retried = await this.matchRetryAt(streamId, expectedNumber + 1, events);
        if (retried) return retried;
      }
      throw new ConcurrencyError(streamId, String(expected), current < 0 ? 'no_stream' : String(current));
    }

    if (events.length === 0) {
      const last = tail ? await this.readLast(streamId) : undefined;
      return { nextExpectedRevision: current, position: last?.position ?? 0 };
    }

    let prevHash = tail?.hash ?? GENESIS_HASH;
    const data = events.map((event, i) => {
      const hash = computeEventHash(prevHash, { id: event.id, streamId, revision: current + 1 + i, type: event.type, data: event.data, metadata: event.metadata });
      const integrity = { prevHash, hash };
      prevHash = hash;
      return toEventData(event, integrity);
    });
    // Append at exactly the revision we chained from, whatever the caller's expectation.
    const expectedRevision: AppendExpectedRevision = tail ? BigInt(tail.revision) : NO_STREAM;
    const result = await this.client.appendToStream(streamId, data, { expectedRevision });
    const nextExpectedRevision = toRevisionNumber(result.nextExpectedRevision);
    if (result.position) return { nextExpectedRevision, position: toPositionNumber(result.position) };
    // The server may answer a successful append with `no_position`: the write
    // stands, so read its last event back for the position rather than fail it.
    const [written] = await this.collect(this.client.readStream(streamId, { fromRevision: result.nextExpectedRevision, maxCount: 1 }));
    if (!written) throw new EventStoreUnavailableError(`EventStoreDB acknowledged an append to ${streamId} without a position and the event cannot be read back`);
    return { nextExpectedRevision, position: written.position };
  }

  private async readTail(streamId: string): Promise<StreamTail | undefined> {
    const last = await this.readLast(streamId);
    return last ? { revision: last.revision, hash: last.hash } : undefined;
  }

  private async readLast(streamId: string): Promise<RecordedEvent | undefined> {
    const [last] = await this.collect(this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));
    return last;
  }

  private async matchRetryAt(streamId: string, revision: number, events: NewEvent[]): Promise<AppendResult | undefined> {
    if (events.length === 0) return undefined;
    const found = await this.collect(this.client.readStream(streamId, { fromRevision: BigInt(revision), maxCount: events.length }));
    return matches(found, events);
  }

  /** Reads a stream to the end; a missing stream is empty. */
  private async collect(read: StreamingRead<Parameters<typeof fromResolved>[0]>): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        const event = fromResolved(resolved);
        if (event) events.push(event);
      }
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Last non-system event's position: the head a subscriber can reach. */
  private async lastUserPosition(): Promise<number> {
    let from: Position | undefined;
    for (;;) {
      // Backward reads start before `from` (exclusive), as a (commit, prepare) tuple.
      const page = this.client.readAll({ direction: BACKWARDS, fromPosition: from ?? END, maxCount: READ_ALL_PAGE });
      let read = 0;
      try {
        for await (const resolved of page) {
          read++;
          const event = resolved.event;
          if (!event) continue;
          from = event.position;
          if (!isSystemEvent(event.streamId, event.type)) {
            await page.cancel().catch(() => undefined);
            return toPositionNumber(event.position);
          }
        }
      } catch (error) {
        throw toEventStoreError(error);
      }
      if (read < READ_ALL_PAGE) return 0;
    }
  }

  private async withTimeout<T>(what: string, operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EventStoreUnavailableError(`EventStoreDB did not answer ${what} within ${this.timeoutMs} ms (the outcome of an append is then unknown; retrying it with the same event ids is safe)`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([operation, timeout]);
    } catch (error) {
      // Let WrongExpectedVersionError through unmapped: appendToStream decides on retries.
      if (error instanceof WrongExpectedVersionError) throw error;
      throw toEventStoreError(error);
    } finally {
      clearTimeout(timer);
      operation.catch(() => undefined); // a late failure after the timeout is already reported
    }
  }
}

function matches(found: RecordedEvent[], events: NewEvent[]): AppendResult | undefined {
  if (found.length !== events.length || !found.every((e, i) => e.id === events[i].id)) return undefined;
  const last = found[found.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
}

/** `esdb://user:pass@host:2113,host2?tls=false` → `host:2113,host2:2113` (never the credentials). */
export function serverAddress(connectionString: string): string {
  const rest = connectionString.replace(/^[a-z+]+:\/\//i, '');
  const authority = rest.split(/[/?]/, 1)[0];
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts
    .split(',')
    .map((host) => (/:\d+$/.test(host) ? host : `${host}:2113`))
    .join(',');
}
