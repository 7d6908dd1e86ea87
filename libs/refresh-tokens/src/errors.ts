import { CodedError } from '@app/shared';

/**
 * Errors of the refresh-token domain. Tests and the HTTP edge match on the
 * stable `code`, never on the message or the class name (style.md §8).
 */

/** Stable codes of the refresh-token domain. */
export type RefreshTokenErrorCode =
  | 'OFFLINE_ACCESS_REQUIRED'
  | 'CREDENTIAL_ALREADY_EXISTS'
  | 'CREDENTIAL_NOT_FOUND'
  | 'SCOPE_NOT_SUBSET'
  | 'DPOP_BINDING_REQUIRED'
  | 'CREDENTIAL_REVOKED'
  | 'REFRESH_TOKEN_EXPIRED';

/** Command fields (InvalidArgumentError's `field`) a refresh-token command can be refused for. */
export type RefreshTokenArgument =
  | 'credentialId'
  | 'tokenHash'
  | 'clientId'
  | 'userId'
  | 'deviceId'
  | 'deviceName'
  | 'scope'
  | 'actor'
  | 'reason'
  | 'presentedHash'
  | 'successorHash'
  | 'policy'
  | 'now'
  | 'dpopJkt';

export abstract class RefreshTokenDomainError extends CodedError<RefreshTokenErrorCode> {}

/** F1: a refresh token is issued only when the scope contains `offline_access`. Answer 400. */
export class OfflineAccessRequiredError extends RefreshTokenDomainError {
  readonly code = 'OFFLINE_ACCESS_REQUIRED' as const;
  constructor() {
    super('scope must contain offline_access to issue a refresh token');
  }
}

/** The credential's stream already holds an issuance; credential ids are never reused. */
export class CredentialAlreadyExistsError extends RefreshTokenDomainError {
  readonly code = 'CREDENTIAL_ALREADY_EXISTS' as const;
  constructor(readonly credentialId: string) {
    super(`credential ${credentialId} already exists`);
  }
}

/** No refresh token was ever issued under this credential id. Answer 404. */
export class CredentialNotFoundError extends RefreshTokenDomainError {
  readonly code = 'CREDENTIAL_NOT_FOUND' as const;
  constructor(readonly credentialId: string) {
    super(`credential ${credentialId} not found`);
  }
}

/**
 * RFC 6749 §6: a refresh request may narrow the scope, never widen it.
 * The OAuth edge maps this to `invalid_scope`.
 */
export class ScopeNotSubsetError extends RefreshTokenDomainError {
  readonly code = 'SCOPE_NOT_SUBSET' as const;
  constructor(readonly notGranted: readonly string[]) {
    super(`requested scope exceeds the granted scope: ${notGranted.join(' ')}`);
  }
}

/** F15: the client requires proof of possession (DPoP) and the issuance names no key. Answer 400. */
export class DpopBindingRequiredError extends RefreshTokenDomainError {
  readonly code = 'DPOP_BINDING_REQUIRED' as const;
  constructor() {
    super('the client requires proof of possession: dpop_jkt is required');
  }
}

/** An exchange of a revoked family's token (any of its secrets). The OAuth edge answers invalid_grant. */
export class CredentialRevokedError extends RefreshTokenDomainError {
  readonly code = 'CREDENTIAL_REVOKED' as const;
  constructor(readonly credentialId: string) {
    super(`credential ${credentialId} is revoked`);
  }
}

/** An exchange after the family's absolute or idle lifetime ran out. The OAuth edge answers invalid_grant. */
export class RefreshTokenExpiredError extends RefreshTokenDomainError {
  readonly code = 'REFRESH_TOKEN_EXPIRED' as const;
  constructor(
    readonly credentialId: string,
    readonly expiredAt: string,
  ) {
    super(`credential ${credentialId} expired at ${expiredAt}`);
  }
}
