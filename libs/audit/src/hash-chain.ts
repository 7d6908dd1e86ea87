import { eventHashMatches, GENESIS_HASH, type RecordedEvent, type StoredText, type StreamHead } from '@app/event-store';

/** Why an event breaks the log's integrity (integrity.ts). */
export type ChainBreakKind =
  /** The event's content does not hash to its stored `hash`: it was changed after it was written. */
  | 'hash_mismatch'
  /** Its `prevHash` is not the hash of the previous event of its stream: an event before it was changed, replaced or removed. */
  | 'prev_hash_mismatch'
  /** Its revision is not the one after the previous event of its stream: events were deleted or reordered. */
  | 'revision_out_of_sequence'
  /** Its log position does not follow the previous one: the log is reordered. */
  | 'position_out_of_order'
  /** No hash at all: written around the adapter (e.g. straight to EventStoreDB). */
  | 'missing_hash';

export interface ChainBreak {
  kind: ChainBreakKind;
  position: number;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  expected: string;
  actual: string;
  message: string;
}

/** Heads kept in memory by default: enough for every stream a busy log interleaves; beyond it, a stream's predecessor is read from the store. */
export const DEFAULT_HEADS_KEPT = 50_000;

/**
 * Checks the per-stream hash chains of a log fed to it in log order, one
 * event at a time (constant work per event).
 *
 * Memory is bounded by a constant, not by the number of streams: it keeps the
 * heads of the `maxHeads` most recently written streams. An event whose
 * stream's head was dropped (or never seen) and which is not a stream's first
 * needs its predecessor from the store (`needsPredecessor`, then `remember`),
 * which a log of short, recent streams rarely asks for.
 *
 * After a break it chains on from the stored values, so one altered event is
 * reported once, and every independent break is counted.
 */
export class HashChainVerifier {
  /**
   * Two generations of heads: written into `young`; when it holds half the
   * bound, `old` is dropped and `young` becomes it. O(1) per event, at most
   * `maxHeads` kept, and a stream written within the last `maxHeads / 2`
   * streams' writes is always found. (Evicting the oldest entry of one Map
   * instead is slow: V8 skips its deleted entries on every `keys().next()`.)
   */
  private young = new Map<string, StreamHead>();
  private old = new Map<string, StreamHead>();
  private lastPosition = 0;
  private breakCount = 0;
  private first: ChainBreak | undefined;
  /** Read order (1-based) of `first`: breaks found off the main thread arrive late, the first in the log still wins. */
  private firstOrder = Number.POSITIVE_INFINITY;
  private eventCount = 0;
  private streamCount = 0;
  private lookups = 0;

  constructor(private readonly maxHeads = DEFAULT_HEADS_KEPT) {}

  /** True when `check(event)` needs the stored predecessor of `event` first (see `remember`). */
  needsPredecessor(event: RecordedEvent): boolean {
    return event.revision > 0 && this.headOf(event.streamId) === undefined;
  }

  /** Hands over the stored event before `event` in its stream (undefined: the store has none). */
  remember(streamId: string, predecessor: StreamHead | undefined): void {
    this.lookups++;
    if (predecessor) this.keep(streamId, predecessor);
  }

  /**
   * Checks one event; returns the break it shows, if any (the first by kind
   * precedence). `stored` is the JSON text the store holds (StoredEvent):
   * the hash is then checked over it without re-serializing.
   */
  check(event: RecordedEvent, stored?: StoredText): ChainBreak | undefined {
    const order = this.count(event);
    const found = this.findOrderBreak(event) ?? this.findHashBreak(event, stored);
    this.advance(event);
    if (found) this.record(found, order);
    return found;
  }

  /**
   * As `check`, but the content hash is left to the caller (HashWorker):
   * `order` is the event's place in the read, and `hashPending` says that no
   * other break was found, so the caller must hash its stored text and, if
   * that does not match, hand it to `hashMismatch` with that order.
   */
  checkDeferringHash(event: RecordedEvent): { order: number; hashPending: boolean } {
    const order = this.count(event);
    const found = this.findOrderBreak(event);
    this.advance(event);
    if (found) this.record(found, order);
    return { order, hashPending: found === undefined };
  }

  /**
   * The event read at `order` (see `checkDeferringHash`) whose stored text
   * did not hash to its `hash`: checked again over its canonical form, as
   * `check` does, and recorded as a break when that does not match either.
   */
  hashMismatch(event: RecordedEvent, order: number): ChainBreak | undefined {
    const found = this.findHashBreak(event, undefined);
    if (found) this.record(found, order);
    return found;
  }

  get events(): number {
    return this.eventCount;
  }

  /** Streams begun in the log (events at revision 0). */
  get streams(): number {
    return this.streamCount;
  }

  /** Predecessors read from the store because their head was not in memory. */
  get predecessorLookups(): number {
    return this.lookups;
  }

  get breaks(): number {
    return this.breakCount;
  }

  get firstBreak(): ChainBreak | undefined {
    return this.first;
  }

  private count(event: RecordedEvent): number {
    this.eventCount++;
    if (event.revision === 0) this.streamCount++;
    return this.eventCount;
  }

  private advance(event: RecordedEvent): void {
    this.lastPosition = Math.max(this.lastPosition, event.position);
    this.keep(event.streamId, { revision: event.revision, hash: event.hash, position: event.position });
  }

  private record(found: ChainBreak, order: number): void {
    this.breakCount++;
    if (order < this.firstOrder) {
      this.first = found;
      this.firstOrder = order;
    }
  }

  private headOf(streamId: string): StreamHead | undefined {
    return this.young.get(streamId) ?? this.old.get(streamId);
  }

  private keep(streamId: string, head: StreamHead): void {
    if (this.young.size >= this.maxHeads / 2 && !this.young.has(streamId)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(streamId, head);
  }

  /** Every break but a content that does not match its hash (kinds in precedence order). */
  private findOrderBreak(event: RecordedEvent): ChainBreak | undefined {
    if (event.position <= this.lastPosition) {
      return breakAt(event, 'position_out_of_order', `> ${this.lastPosition}`, String(event.position), 'log position does not increase');
    }
    if (!event.hash) return breakAt(event, 'missing_hash', 'a hash', '(none)', 'event carries no hash: written around the adapter');
    const previous = this.headOf(event.streamId);
    const expectedRevision = previous ? previous.revision + 1 : 0;
    if (event.revision !== expectedRevision || (previous && previous.position >= event.position)) {
      const what = event.revision > expectedRevision ? 'events of this stream are missing before it' : 'stream revisions are reordered or repeated';
      return breakAt(event, 'revision_out_of_sequence', String(expectedRevision), String(event.revision), what);
    }
    const expectedPrev = previous ? previous.hash : GENESIS_HASH;
    if (event.prevHash !== expectedPrev) {
      return breakAt(event, 'prev_hash_mismatch', expectedPrev, event.prevHash, 'prevHash is not the hash of the previous event of its stream');
    }
    return undefined;
  }

  private findHashBreak(event: RecordedEvent, stored: StoredText | undefined): ChainBreak | undefined {
    const { matches, recomputed } = eventHashMatches(event, stored);
    if (matches) return undefined;
    return breakAt(event, 'hash_mismatch', recomputed, event.hash, 'content does not match its hash: the event was changed after it was written');
  }
}

function breakAt(event: RecordedEvent, kind: ChainBreakKind, expected: string, actual: string, message: string): ChainBreak {
  return {
    kind,
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    expected,
    actual,
    message: `position ${event.position} (${event.streamId} revision ${event.revision}, ${event.type}): ${message}`,
  };
}
