// Public API of @app/revocation-events: the Kafka contract of revocations,
// the relay that publishes them, and the consumer SDK for downstream services.
export { DEFAULT_REVOCATIONS_TOPIC, revocationsTopicFromEnv, kafkaBrokersFromEnv, parseBrokers } from './topic';
export {
  REVOCATION_CE_TYPE,
  CE_SPEC_VERSION,
  REVOCATION_CONTENT_TYPE,
  toKafkaMessage,
  parseRevocationMessage,
  revocationEventDataSchema,
  revocationHeadersSchema,
  type RevocationEventData,
  type RevocationHeaders,
  type RevocationKafkaMessage,
  type RevocationEvent,
  type ConsumedRecord,
} from './message';
export {
  RevocationEventsError,
  InvalidRevocationMessageError,
  NotARevocationEventError,
  CredentialRevokedError,
  IdTokenWithoutSidError,
  ListenerNotReadyError,
  type RevocationEventsErrorCode,
} from './errors';
export { type CheckpointStore, InMemoryCheckpointStore } from './checkpoint-store';
export { SqliteCheckpointStore, type SqliteCheckpointStoreOptions } from './sqlite-checkpoint-store';
export {
  RevocationRelay,
  RELAY_CHECKPOINT_NAME,
  kafkaLogCreator,
  type RevocationRelayOptions,
  type RelayLogger,
  type RelayState,
  type RelayStatus,
} from './revocation-relay';
export { createRevocationRelay, type RevocationRelayConfig, type RevocationRelayHandle } from './create-revocation-relay';
export {
  RevocationListener,
  type RevocationListenerOptions,
  type RevocationListenerStats,
  type RevocationCallback,
} from './revocation-listener';
export {
  verifyIdTokenNotRevoked,
  type IdTokenVerificationOptions,
  type VerifiedIdToken,
  type RevocationSet,
} from './id-token-verification';
