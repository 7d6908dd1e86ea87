import { createHash } from 'node:crypto';
import type { EventMetadata } from './event-store.port';

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
  const content = canonicalJson({
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}
