import { jsonEvent, type AllStreamResolvedEvent, type EventData, type Position, type ResolvedEvent } from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port';

/**
 * Reserved metadata key holding the hash chain. EventStoreDB has no column for
 * it, so the adapter stores `{ prevHash, hash }` inside each event's JSON
 * metadata and strips it on read into RecordedEvent.prevHash / hash.
 */
export const INTEGRITY_KEY = '$integrity';

interface StoredMetadata extends EventMetadata {
  [INTEGRITY_KEY]?: { prevHash: string; hash: string };
}

/** The client event the adapter appends: JSON data, JSON metadata with the hash chain. */
export function toEventData(event: NewEvent, integrity: { prevHash: string; hash: string }): EventData {
  const metadata: StoredMetadata = { ...event.metadata, [INTEGRITY_KEY]: integrity };
  return jsonEvent({ id: event.id, type: event.type, data: event.data as Record<string, unknown>, metadata: metadata as unknown as Record<string, unknown> });
}

/** An EventStoreDB commit position as the port's number; throws past 2^53 rather than lose precision. */
export function toPositionNumber(position: Position | bigint | undefined): number {
  if (position === undefined) throw new Error('EventStoreDB event without a position');
  const commit = typeof position === 'bigint' ? position : position.commit;
  if (commit > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`EventStoreDB position ${commit} exceeds Number.MAX_SAFE_INTEGER`);
  return Number(commit);
}

/**
 * `$all` order: by commit position, then prepare position. The events of one
 * transaction share a commit position, so commit alone neither orders nor
 * identifies an event.
 */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * The server position a port position (`after`, a commit position) stands
 * for: the first event of a transaction has prepare = commit, so resuming
 * "after" it delivers the rest of its transaction, never skips them.
 */
export function fromPortPosition(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

/** A revision (bigint) as the port's number. */
export function toRevisionNumber(revision: bigint): number {
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`EventStoreDB revision ${revision} exceeds Number.MAX_SAFE_INTEGER`);
  return Number(revision);
}

/**
 * `$`-prefixed streams and event types belong to the server ($settings,
 * $stats-*, $metadata, projections' emitted events): never delivered.
 */
export function isSystemEvent(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$');
}

/** The port's RecordedEvent from a client event (from a stream or `$all` read). */
export function fromResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const stored = parseJson(event.metadata) as StoredMetadata | undefined;
  const { [INTEGRITY_KEY]: integrity, ...metadata } = stored ?? ({} as StoredMetadata);
  return {
    id: event.id,
    streamId: event.streamId,
    revision: toRevisionNumber(event.revision),
    position: toPositionNumber(event.position ?? resolved.commitPosition),
    type: event.type,
    data: (parseJson(event.data) ?? {}) as Record<string, unknown>,
    metadata: metadata as EventMetadata,
    // Events written around the adapter carry no chain; empty strings make that visible to a verifier.
    prevHash: integrity?.prevHash ?? '',
    hash: integrity?.hash ?? '',
  };
}

function parseJson(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    if (value.length === 0) return undefined;
    try {
      return JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      return undefined;
    }
  }
  return value;
}
