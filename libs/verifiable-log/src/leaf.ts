import { createHash } from 'node:crypto';
import { canonicalJson, type RecordedEvent } from '@app/event-store';

/**
 * One leaf of the log's tree: an event's coordinates and the SHA-256 of its
 * data and metadata (canonical JSON, as the hash chain uses), never the
 * data itself, so a proof reveals no personal data. Canonical JSON, so an
 * auditor reads it with any JSON tool and recomputes it from an export.
 */
export interface LeafContent {
  v: 1;
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  /** The `occurredAt` of the event's metadata. */
  recorded: string;
  data_sha256: string;
  metadata_sha256: string;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export function leafContentOf(event: RecordedEvent): LeafContent {
  return {
    v: 1,
    position: event.position,
    stream: event.streamId,
    revision: event.revision,
    id: event.id,
    type: event.type,
    recorded: event.metadata.occurredAt,
    data_sha256: sha256Hex(canonicalJson(event.data)),
    metadata_sha256: sha256Hex(canonicalJson(event.metadata)),
  };
}

/**
 * The leaf's bytes: what `SHA-256(0x00 ‖ leaf_data)` hashes. Written out in
 * canonicalJson's key order by hand (the rebuild's hot path); the unit test
 * holds it equal to `canonicalJson(leafContentOf(event))`.
 */
export function leafDataOf(event: RecordedEvent): Buffer {
  const c = leafContentOf(event);
  const q = JSON.stringify;
  return Buffer.from(
    `{"data_sha256":"${c.data_sha256}","id":${q(c.id)},"metadata_sha256":"${c.metadata_sha256}","position":${c.position},"recorded":${q(c.recorded)},"revision":${c.revision},"stream":${q(c.stream)},"type":${q(c.type)},"v":1}`,
    'utf8',
  );
}
