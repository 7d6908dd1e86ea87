import { CheckpointedConsumer, type CheckpointedConsumerOptions, type EventStore } from '@app/event-store';
import { PROJECTED_STREAM_PREFIXES } from './projected-events';
import type { ProjectionProgress } from './projection-progress';
import type { ReadModelProjection } from './read-model-projection';

/**
 * Keeps a ReadModelProjection fed from the event store: the projection is a
 * handler of the shared checkpointed consumer (catch-up in batches, live,
 * backoff, status, read-your-writes waits). Its checkpoint is committed in the
 * same transaction as the change (invariant 7), so a restart after any
 * failure applies nothing twice and loses nothing.
 */
export class ProjectionRunner extends CheckpointedConsumer implements ProjectionProgress {
  constructor(store: EventStore, projection: ReadModelProjection, options: CheckpointedConsumerOptions = {}) {
    super(
      store,
      {
        name: `${projection.name} projection`,
        streamPrefixes: PROJECTED_STREAM_PREFIXES,
        loadCheckpoint: () => projection.position(),
        handle: (events) => projection.applyBatch(events).position,
      },
      options,
    );
  }
}
