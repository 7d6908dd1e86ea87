/**
 * TEST DOUBLE — not EventStoreDB. The in-memory log behind the EventStoreDB
 * wire-level double (see eventstoredb-double.ts for what is and is not emulated).
 *
 * It models the parts of EventStoreDB's storage the gRPC streams API exposes:
 * - one global, append-only log (`$all`) and per-stream revisions (0-based);
 * - optimistic concurrency exactly as the server decides it (WriteEvents'
 *   CheckCommit): expected revision / no_stream / stream_exists / any, and
 *   idempotent re-appends of the same event ids at the same place;
 * - log positions as byte offsets: each event's prepare position is the
 *   offset where its record starts, advanced by an estimate of the record's
 *   size. Real offsets differ (chunk headers, record framing, system records),
 *   but the properties clients may rely on hold: strictly increasing, not
 *   contiguous, never 0 for a user event. The commit position equals it by
 *   default; with `sharedCommit` every event of one append gets the append's
 *   commit position (its first event's offset), as a real server positions
 *   the events of one transaction: `$all` is ordered by (commit, prepare).
 */

/** An event as the log stores it (the bytes the client sent, untouched). */
export interface StoredEvent {
  streamId: string;
  revision: number;
  /** Prepare position (byte-offset stand-in): unique per event. */
  position: number;
  /** Commit position: `position`, or with `sharedCommit` that of the append's first event. */
  commit: number;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  /** `created` as the server sends it: 100 ns ticks since the Unix epoch. */
  createdTicks: bigint;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type ExpectedState =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: number };

export type AppendOutcome =
  | {
      kind: 'success';
      /** Revision of the stream's last event after the append; undefined: the stream still does not exist. */
      currentRevision: number | undefined;
      /** Prepare position of the last event written (or matched, for an idempotent retry); undefined when nothing was written. */
      position: number | undefined;
      /** Its commit position. */
      commit: number | undefined;
    }
  | { kind: 'wrong_expected_version'; currentRevision: number | undefined; expected: ExpectedState };

/** A server-side $all filter (ReadReq.Options.FilterOptions). */
export interface LogFilter {
  on: 'stream' | 'event_type';
  prefixes: string[];
  regex?: RegExp;
}

/** Where the first user event starts: stands in for the records a real server writes first (epoch, system streams). */
const FIRST_EVENT_OFFSET = 4096;
/** Per-record framing overhead in the size estimate. */
const RECORD_OVERHEAD = 96;

export function matchesFilter(event: StoredEvent, filter: LogFilter | undefined): boolean {
  if (!filter) return true;
  const subject = filter.on === 'stream' ? event.streamId : event.type;
  if (filter.regex) return filter.regex.test(subject);
  return filter.prefixes.some((prefix) => subject.startsWith(prefix));
}

export class EventLog {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<() => void>();
  private nextOffset = FIRST_EVENT_OFFSET;

  /** Decides and (when allowed) writes one append, atomically: all events or none. */
  append(streamId: string, expected: ExpectedState, events: ProposedEvent[], options: { sharedCommit?: boolean } = {}, now: Date = new Date()): AppendOutcome {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length === 0 ? undefined : stream.length - 1;
    const wrong = (): AppendOutcome => ({ kind: 'wrong_expected_version', currentRevision: current, expected });

    switch (expected.kind) {
      case 'revision':
      case 'no_stream': {
        const expectedRevision = expected.kind === 'no_stream' ? -1 : expected.revision;
        const currentOrMinusOne = current ?? -1;
        if (currentOrMinusOne === expectedRevision) return this.write(streamId, stream, events, now, options.sharedCommit ?? false);
        if (currentOrMinusOne < expectedRevision) return wrong();
        // The stream moved past the expectation: an idempotent retry if the
        // very events proposed sit right after the expected revision.
        return this.idempotentAt(stream, expectedRevision + 1, events) ?? wrong();
      }
      case 'stream_exists':
        if (current === undefined) return wrong();
        return this.idempotentAnywhere(stream, events) ?? this.write(streamId, stream, events, now, options.sharedCommit ?? false);
      case 'any': {
        const idempotent = this.idempotentAnywhere(stream, events);
        if (idempotent) return idempotent;
        if (events.length > 0 && stream.some((e) => e.id === events[0].id)) return wrong(); // partial match: corrupted idempotency
        return this.write(streamId, stream, events, now, options.sharedCommit ?? false);
      }
      default: {
        const never: never = expected;
        return never;
      }
    }
  }

  /** Events of one stream, in revision order (a copy). Undefined: the stream does not exist. */
  stream(streamId: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamId)?.slice();
  }

  /** The whole log in position order (a copy). */
  allEvents(): readonly StoredEvent[] {
    return this.all.slice();
  }

  /** Position of the last event, 0 when empty. */
  lastPosition(): number {
    return this.all.length === 0 ? 0 : this.all[this.all.length - 1].position;
  }

  /** Index of the first event at or after (commit, prepare) in `$all` order (forward reads are inclusive). */
  indexAtOrAfter(commit: number, prepare: number = commit): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const event = this.all[mid];
      if (event.commit < commit || (event.commit === commit && event.position < prepare)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  eventAt(index: number): StoredEvent | undefined {
    return this.all[index];
  }

  get length(): number {
    return this.all.length;
  }

  /** Called synchronously after every write; returns an unsubscribe function. */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private idempotentAt(stream: StoredEvent[], from: number, events: ProposedEvent[]): AppendOutcome | undefined {
    if (events.length === 0 || from + events.length > stream.length) return undefined;
    const all = events.every((event, i) => stream[from + i].id === event.id);
    if (!all) return undefined;
    const last = stream[from + events.length - 1];
    return { kind: 'success', currentRevision: last.revision, position: last.position, commit: last.commit };
  }

  private idempotentAnywhere(stream: StoredEvent[], events: ProposedEvent[]): AppendOutcome | undefined {
    if (events.length === 0) return undefined;
    const first = stream.findIndex((e) => e.id === events[0].id);
    return first < 0 ? undefined : this.idempotentAt(stream, first, events);
  }

  private write(streamId: string, stream: StoredEvent[], events: ProposedEvent[], now: Date, sharedCommit: boolean): AppendOutcome {
    if (events.length === 0) {
      const last = stream[stream.length - 1];
      return { kind: 'success', currentRevision: last?.revision, position: undefined, commit: undefined };
    }
    const createdTicks = BigInt(now.getTime()) * 10_000n;
    const appendCommit = this.nextOffset;
    for (const proposed of events) {
      const stored: StoredEvent = {
        ...proposed,
        streamId,
        revision: stream.length,
        position: this.nextOffset,
        commit: sharedCommit ? appendCommit : this.nextOffset,
        createdTicks,
      };
      this.nextOffset += RECORD_OVERHEAD + Buffer.byteLength(streamId) + Buffer.byteLength(proposed.type) + proposed.data.length + proposed.customMetadata.length;
      stream.push(stored);
      this.all.push(stored);
    }
    this.streams.set(streamId, stream);
    const last = stream[stream.length - 1];
    for (const listener of [...this.listeners]) listener();
    return { kind: 'success', currentRevision: last.revision, position: last.position, commit: last.commit };
  }
}
