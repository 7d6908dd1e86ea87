/**
 * The event-store port. Only `libs/event-store` knows a concrete client
 * (better-sqlite3, @eventstore/db-client); everything else sees this.
 *
 * Positions and revisions are plain numbers: a stream revision is a count of
 * events, and an EventStoreDB commit position is a byte offset in its log, both
 * far below 2^53 for any real deployment (adapters throw if one is not).
 */

/** Metadata stored beside every event (audit: who, why, in reply to what). */
export interface EventMetadata {
  /** Who caused it: a management client id, an OAuth client id, or `system`. */
  actor: string;
  reason?: string;
  correlationId?: string;
  causationId?: string;
  /** ISO-8601 time the command was decided (the domain's clock, not the store's). */
  occurredAt: string;
}

/** An event to append. `id` is a UUID chosen by the caller, so a retried append is idempotent. */
export interface NewEvent<T extends string = string, D extends object = Record<string, unknown>> {
  id: string;
  type: T;
  data: D;
  metadata: EventMetadata;
}

/** An event as the store returns it. */
export interface RecordedEvent<T extends string = string, D extends object = Record<string, unknown>> {
  id: string;
  streamId: string;
  /** 0-based revision within its stream. */
  revision: number;
  /** Global position in the whole log; strictly increasing in log order (not necessarily contiguous). */
  position: number;
  type: T;
  data: D;
  metadata: EventMetadata;
  /**
   * Tamper evidence (see integrity.ts): `hash` = SHA-256 over this event's
   * canonical content and `prevHash`, the hash of the previous event of the
   * same stream (GENESIS_HASH for revision 0).
   */
  prevHash: string;
  hash: string;
}

/** A recorded event with the JSON text its adapter stored (`readPages`): lets a replay check its hash without re-serializing it. */
export interface StoredEvent extends RecordedEvent {
  storedData: string;
  storedMetadata: string;
}

/**
 * What an append expects of the stream: that it does not exist yet, or that
 * it is at an exact revision (the revision of its last event). Every writer
 * decides from state it read, so no looser expectation is offered.
 */
export type ExpectedRevision = 'no_stream' | number;

export interface AppendResult {
  /** Revision of the last event written (the expected revision for the next append). */
  nextExpectedRevision: number;
  /** Global position of the last event written. */
  position: number;
}

export interface ReadAllOptions {
  /** Start after this position (exclusive). Omit to read from the beginning. */
  after?: number;
  /** Only events of streams whose id starts with one of these prefixes. */
  streamPrefixes?: string[];
  /** Stop after this many events. */
  maxCount?: number;
}

export interface ReadPagesOptions {
  /** Start after this position (exclusive). */
  after?: number;
  /** Stop after this position (inclusive); default: the head when the read began. */
  untilPosition?: number;
  streamPrefixes?: readonly string[];
  /** Events per page (one query each). */
  pageSize: number;
}

export interface SubscribeOptions {
  /** Start after this position (exclusive), e.g. a checkpoint. Omit: from the beginning. */
  after?: number;
  streamPrefixes?: string[];
  /**
   * Called for each event, one at a time, in log order; the next event is not
   * delivered until the returned promise settles. If it rejects, the
   * subscription stops and `onError` is called.
   */
  onEvent(event: RecordedEvent): Promise<void> | void;
  /** Called each time the subscription has delivered everything in the log (may repeat). */
  onCaughtUp?(): void;
  /** The subscription stopped on an error (store unreachable, handler failure). */
  onError?(error: Error): void;
}

export interface Subscription {
  /** Stops delivering; resolves once no handler is running. */
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically: all events or none. Throws ConcurrencyError when the
   * stream is not at `expectedRevision`, EventStoreUnavailableError when the
   * store cannot be reached. Events whose ids were already appended to this
   * stream at the same place are not written twice (idempotent retry).
   */
  appendToStream(streamId: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** The stream's events in order; an empty array when the stream does not exist. */
  readStream(streamId: string): Promise<RecordedEvent[]>;
  /** The stream's last event, `undefined` when the stream does not exist; one read whatever the stream's length. */
  readLastEvent(streamId: string): Promise<RecordedEvent | undefined>;
  /** The log in order, from `after`; bounded by `maxCount`. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Optional bulk read (the SQLite adapter has it): the log in pages, one
   * query per page, each event with its stored JSON text. The replays
   * (rebuild, consumer catch-up, `audit verify`) use it when present and
   * fall back to `readAll`.
   */
  readPages?(options: ReadPagesOptions): AsyncIterable<StoredEvent[]>;
  /** Catch-up subscription: replays from `after`, then follows new events live. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Position of the last event in the log (0 when empty); used for lag and read-your-writes. */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

/** DI token for the EventStore port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
