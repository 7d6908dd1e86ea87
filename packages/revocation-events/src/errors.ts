/** Stable error codes of the SDK: branch on `code`, not on the message. */
export type RevocationEventsErrorCode =
  | 'INVALID_REVOCATION_MESSAGE'
  | 'NOT_A_REVOCATION_EVENT'
  | 'CREDENTIAL_REVOKED'
  | 'ID_TOKEN_WITHOUT_SID'
  | 'LISTENER_NOT_READY'
  | 'BROKER_UNREACHABLE';

/**
 * Base of every error the SDK throws. Its own class, not the service's
 * CodedError: the package depends on nothing of the service. Same shape
 * (`code`, `name` = class name, `cause`), so the service's error mapping reads it alike.
 */
export abstract class RevocationEventsError extends Error {
  abstract readonly code: RevocationEventsErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A Kafka message on the revocations topic does not follow the contract (headers or value). */
export class InvalidRevocationMessageError extends RevocationEventsError {
  readonly code = 'INVALID_REVOCATION_MESSAGE' as const;
}

/** The relay's `toKafkaMessage` was given an event other than `RefreshTokenRevoked`. */
export class NotARevocationEventError extends RevocationEventsError {
  readonly code = 'NOT_A_REVOCATION_EVENT' as const;
}

/** The id_token verified, but its credential (`sid`) has been revoked: do not trust it. */
export class CredentialRevokedError extends RevocationEventsError {
  readonly code = 'CREDENTIAL_REVOKED' as const;
  constructor(readonly credentialId: string) {
    super(`credential ${credentialId} has been revoked`);
  }
}

/** The id_token verified but carries no `sid`, so it cannot be matched to a revocation (not one of ours). */
export class IdTokenWithoutSidError extends RevocationEventsError {
  readonly code = 'ID_TOKEN_WITHOUT_SID' as const;
}

/** The listener has not caught up with the topic yet (its revocation set may be incomplete). */
export class ListenerNotReadyError extends RevocationEventsError {
  readonly code = 'LISTENER_NOT_READY' as const;
}

/** `start()` could not reach any of the brokers (refused, unknown host, timed out); `cause` is the Kafka client's error. */
export class BrokerUnreachableError extends RevocationEventsError {
  readonly code = 'BROKER_UNREACHABLE' as const;
}
