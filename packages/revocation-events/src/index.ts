// @refresh-token-service/revocation-events: what a downstream service installs to
// learn of refresh-token revocations. The Kafka message contract, the listener
// and the id_token check; depends on kafkajs, zod and jose only.
export { DEFAULT_REVOCATIONS_TOPIC, revocationsTopicFromEnv, kafkaBrokersFromEnv, parseBrokers } from './topic';
export {
  REVOCATION_CE_TYPE,
  CE_SPEC_VERSION,
  REVOCATION_CONTENT_TYPE,
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
  BrokerUnreachableError,
  type RevocationEventsErrorCode,
} from './errors';
export { kafkaLogCreator, silentLogger, type Logger } from './logger';
export { REVOCATION_SIGNATURE_HEADER, REVOCATION_JWS_TYPE, revocationSigningInput, type RecordHeaderValue } from './signing-input';
export {
  DEFAULT_JWKS_COOLDOWN_MS,
  MESSAGE_SIGNATURE_ALGORITHMS,
  messageVerifier,
  type MessageVerifier,
  type MessageVerifierOptions,
  type SignatureCheck,
} from './message-signature';
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
