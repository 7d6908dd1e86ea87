// Public API of @app/revocation-relay: the server side of revocations on Kafka
// (event store → Kafka, checkpointed, at least once). What downstream services
// install is the package @refresh-token-service/revocation-events.
export { toKafkaMessage, toSignedKafkaMessage, type RevocationSigner } from './to-kafka-message';
export { keyStoreSigner } from './message-signer';
export { type CheckpointStore, InMemoryCheckpointStore } from './checkpoint-store';
export { SqliteCheckpointStore, type SqliteCheckpointStoreOptions } from './sqlite-checkpoint-store';
export { RevocationRelay, RELAY_CHECKPOINT_NAME, type RevocationRelayOptions, type RelayState, type RelayStatus } from './revocation-relay';
export {
  wireRevocationRelay,
  relayCheckpoints,
  RELAY_CHECKPOINT_FILE_NAME,
  type RevocationRelayWiring,
  type RelayCheckpoints,
  type RevocationRelayHandle,
} from './wire-revocation-relay';
export { type RelayLease, RelayLeaseLostError, type RelayLeaseErrorCode } from './lease/relay-lease';
export { LogRelayLease, relayLeaseStream, RELAY_LEASE_EVENT, type LogRelayLeaseOptions } from './lease/log-relay-lease';
export {
  DEFAULT_TOPIC_RETENTION_MS,
  DEFAULT_TOPIC_SETTINGS,
  MIN_TOPIC_RETENTION_MS,
  TopicCompactedError,
  TopicRetentionTooShortError,
  checkTopicSettings,
  ensureRevocationTopic,
  topicRetentionMs,
  type RevocationTopicSettings,
  type RevocationTopicErrorCode,
} from './revocation-topic';
