// The public face of @app/event-store. The contract suite is deliberately not
// exported: tests import `@app/event-store/testing/event-store.contract`.
export * from './event-store.port';
export * from './errors';
export * from './integrity';
export * from './retry';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
export {
  CheckpointedConsumer,
  ConsumerError,
  ConsumerStoppedError,
  ConsumerAlreadyStartedError,
  lagBehind,
  readInBatches,
  type CheckpointedHandler,
  type CheckpointedConsumerOptions,
  type ConsumerState,
  type ConsumerStatus,
  type ConsumerErrorCode,
} from './consumer/checkpointed-consumer';
export { PositionWaiters } from './consumer/position-waiters';
export { openEventStore, SQLITE_EVENTS_FILE_NAME, type EventStoreConfig, type OpenEventStoreOptions } from './open-event-store';
