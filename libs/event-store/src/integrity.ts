import { createHash } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from './event-store.port';

/** prevHash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so a hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Where a stream's hash chain ends: its last revision, hash and log position. */
export interface StreamHead {
  revision: number;
  hash: string;
  position: number;
}

export interface HashedContent {
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: object;
  metadata: EventMetadata;
}

/**
 * Per-stream hash chain: SHA-256(prevHash || canonical content). Changing,
 * deleting or reordering an event of a stream breaks every later hash of that
 * stream; the read model keeps each stream's head so a truncated tail shows too.
 */
export function computeEventHash(prevHash: string, event: HashedContent): string {
  return hashStoredContent(prevHash, { ...event, data: canonicalJson(event.data), metadata: canonicalJson(event.metadata) });
}

/** An event's content as its JSON text (what an adapter stores). */
export interface StoredContent {
  id: string;
  streamId: string;
  revision: number;
  type: string;
  /** JSON text of the data; canonical (canonicalJson) for the hash to match. */
  data: string;
  metadata: string;
}

/** An event's data and metadata as the JSON text its adapter stored (StoredEvent's `storedData`, `storedMetadata`). */
export type StoredText = Pick<StoredContent, 'data' | 'metadata'>;

/**
 * The same hash as computeEventHash, from the JSON text of data and metadata
 * instead of the objects: the canonical content's keys in sorted order
 * (data, id, metadata, revision, streamId, type) with the texts spliced in.
 * Equal to computeEventHash when the texts are canonical, which is how the
 * SQLite adapter stores them, so a replay checks the chain without
 * re-serializing every event (see `eventHashMatches`).
 */
export function hashStoredContent(prevHash: string, event: StoredContent): string {
  const content = `{"data":${event.data},"id":${JSON.stringify(event.id)},"metadata":${event.metadata},"revision":${JSON.stringify(event.revision)},"streamId":${JSON.stringify(event.streamId)},"type":${JSON.stringify(event.type)}}`;
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/**
 * Whether `event.hash` is the hash of its content: first over the stored
 * text (one SHA-256, no serialization), and only when that differs (a log
 * written before the text was stored canonical, or an altered event) over
 * the canonical form of the parsed data, as computeEventHash.
 */
export function eventHashMatches(event: RecordedEvent, stored?: StoredText): { matches: boolean; recomputed: string } {
  if (stored) {
    const fast = hashStoredContent(event.prevHash, { ...event, data: stored.data, metadata: stored.metadata });
    if (fast === event.hash) return { matches: true, recomputed: fast };
  }
  const recomputed = computeEventHash(event.prevHash, event);
  return { matches: recomputed === event.hash, recomputed };
}
