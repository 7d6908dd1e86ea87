import type { RecordedEvent, StreamHead as LogStreamHead } from '@app/event-store';
import type { Logger } from '@app/shared';
import type { ProjectedData, ProjectedEventType } from '../projected-events';

/** What a fold did with one event: `applied` changed the model (or moved a stream head), `skipped` was logged and left out. */
export type FoldOutcome = 'applied' | 'skipped';

/** One handler per event type a fold owns. */
export type FoldHandlers<K extends ProjectedEventType> = { [T in K]: (data: ProjectedData<T>, event: RecordedEvent) => FoldOutcome };

/** Stream head kept per row (the log's StreamHead without its position), so the audit can tell an event removed from the end of a stream. */
export type StreamHead = Pick<LogStreamHead, 'revision' | 'hash'>;

export const headOf = (event: RecordedEvent): StreamHead => ({ revision: event.revision, hash: event.hash });

/** How a fold reports what it skips (a projection never rejects a recorded event, style.md §10). */
export class FoldReporter {
  constructor(
    private readonly projection: string,
    readonly logger: Logger,
  ) {}

  details(event: RecordedEvent, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { projection: this.projection, eventId: event.id, type: event.type, streamId: event.streamId, position: event.position, ...extra };
  }

  /** An event about entity X must sit in X's stream, or the stream heads kept for the audit would lie. */
  inOwnStream(event: RecordedEvent, expectedStreamId: string): boolean {
    if (event.streamId === expectedStreamId) return true;
    this.logger.error(this.details(event, { expectedStreamId }), 'read-model projection: event names an entity of another stream, skipped');
    return false;
  }
}
