import { computeEventHash, GENESIS_HASH, type RecordedEvent } from '@app/event-store';

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

interface StreamHead {
  revision: number;
  hash: string;
}

/**
 * Checks the per-stream hash chains of a log fed to it in log order, one
 * event at a time (constant work per event; memory: one head per stream).
 *
 * After a break it chains on from the stored values, so one altered event is
 * reported once, and every independent break is counted.
 */
export class HashChainVerifier {
  private readonly heads = new Map<string, StreamHead>();
  private lastPosition = 0;
  private breakCount = 0;
  private first: ChainBreak | undefined;
  private eventCount = 0;

  /** Checks one event; returns the break it shows, if any (the first by kind precedence). */
  check(event: RecordedEvent): ChainBreak | undefined {
    this.eventCount++;
    const found = this.findBreak(event);
    this.lastPosition = Math.max(this.lastPosition, event.position);
    this.heads.set(event.streamId, { revision: event.revision, hash: event.hash });
    if (found) {
      this.breakCount++;
      this.first ??= found;
    }
    return found;
  }

  /** The hash and revision of each stream's last event seen (the chain heads). */
  head(streamId: string): StreamHead | undefined {
    return this.heads.get(streamId);
  }

  get events(): number {
    return this.eventCount;
  }

  get streams(): number {
    return this.heads.size;
  }

  get breaks(): number {
    return this.breakCount;
  }

  get firstBreak(): ChainBreak | undefined {
    return this.first;
  }

  private findBreak(event: RecordedEvent): ChainBreak | undefined {
    const at = (kind: ChainBreakKind, expected: string, actual: string, message: string): ChainBreak => ({
      kind,
      position: event.position,
      streamId: event.streamId,
      revision: event.revision,
      eventId: event.id,
      type: event.type,
      expected,
      actual,
      message: `position ${event.position} (${event.streamId} revision ${event.revision}, ${event.type}): ${message}`,
    });
    if (event.position <= this.lastPosition) {
      return at('position_out_of_order', `> ${this.lastPosition}`, String(event.position), 'log position does not increase');
    }
    if (!event.hash) return at('missing_hash', 'a hash', '(none)', 'event carries no hash: written around the adapter');
    const previous = this.heads.get(event.streamId);
    const expectedRevision = previous ? previous.revision + 1 : 0;
    if (event.revision !== expectedRevision) {
      const what = event.revision > expectedRevision ? 'events of this stream are missing before it' : 'stream revisions are reordered or repeated';
      return at('revision_out_of_sequence', String(expectedRevision), String(event.revision), what);
    }
    const expectedPrev = previous ? previous.hash : GENESIS_HASH;
    if (event.prevHash !== expectedPrev) {
      return at('prev_hash_mismatch', expectedPrev, event.prevHash, 'prevHash is not the hash of the previous event of its stream');
    }
    const recomputed = computeEventHash(event.prevHash, event);
    if (recomputed !== event.hash) {
      return at('hash_mismatch', recomputed, event.hash, 'content does not match its hash: the event was changed after it was written');
    }
    return undefined;
  }
}
