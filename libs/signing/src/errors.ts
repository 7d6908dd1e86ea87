import { CodedError } from '@app/shared';

/**
 * Stable error codes of the signing lib (tests and the HTTP edge assert the
 * code, never the message; jose `src/util/errors.ts` is the model).
 *
 * The token codes map one to one onto the HTTP answers of the management API
 * (product.md): TOKEN_* → 401, INSUFFICIENT_SCOPE → 403 `insufficient_scope`.
 */
export type SigningErrorCode =
  | 'TOKEN_MISSING'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_CLAIM_INVALID'
  | 'INSUFFICIENT_SCOPE'
  | 'KEY_STORE_INVALID'
  | 'KEY_STORE_READ_ONLY'
  | 'KEY_STORE_LOCKED'
  | 'KEY_NOT_FOUND'
  | 'KEY_IN_USE'
  | 'KEY_MAY_STILL_VERIFY'
  | 'NO_SIGNING_KEY'
  | 'SIGNING_ALG_UNAVAILABLE'
  | 'INVALID_INPUT'
  | 'DATA_KEY_INVALID'
  | 'SEALED_VALUE_INVALID';

export abstract class SigningError extends CodedError<SigningErrorCode> {}

/** No token was presented (no `Authorization` header, empty string). */
export class TokenMissingError extends SigningError {
  readonly code = 'TOKEN_MISSING' as const;
}

/** Not a JWT, bad signature, an algorithm outside the allow-list, an unknown `kid`, the wrong `typ`. */
export class TokenInvalidError extends SigningError {
  readonly code = 'TOKEN_INVALID' as const;
}

/** `exp` is in the past, beyond the clock tolerance. */
export class TokenExpiredError extends SigningError {
  readonly code = 'TOKEN_EXPIRED' as const;
}

/** A claim has the wrong value or is missing (`iss`, `aud`, `nbf`, `sub`, `sid`...). `claim` names it. */
export class TokenClaimInvalidError extends SigningError {
  readonly code = 'TOKEN_CLAIM_INVALID' as const;
  constructor(
    message: string,
    readonly claim: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The token is valid but lacks a scope the operation requires (RFC 6750 §3.1 `insufficient_scope`). */
export class InsufficientScopeError extends SigningError {
  readonly code = 'INSUFFICIENT_SCOPE' as const;
  constructor(
    readonly requiredScopes: readonly string[],
    readonly missingScopes: readonly string[],
  ) {
    super(`missing scope(s): ${missingScopes.join(' ')}`);
  }
}

/** A key file or a provided JWKS cannot be used (bad JSON, a public-only key, wrong curve, short RSA modulus...). */
export class KeyStoreInvalidError extends SigningError {
  readonly code = 'KEY_STORE_INVALID' as const;
}

/** Keys were given by the environment (`SIGNING_KEYS`/`SIGNING_KEYS_FILE`): the operator rotates them, not us. */
export class KeyStoreReadOnlyError extends SigningError {
  readonly code = 'KEY_STORE_READ_ONLY' as const;
}

/** Another process held the key directory's generation lock for too long. */
export class KeyStoreLockedError extends SigningError {
  readonly code = 'KEY_STORE_LOCKED' as const;
}

/** No key with that `kid`. */
export class KeyNotFoundError extends SigningError {
  readonly code = 'KEY_NOT_FOUND' as const;
}

/** The key is the only active signing key of its algorithm; rotate first. */
export class KeyInUseError extends SigningError {
  readonly code = 'KEY_IN_USE' as const;
}

/** Tokens the key signed may not have expired yet: retiring it would make them fail verification early. */
export class KeyMayStillVerifyError extends SigningError {
  readonly code = 'KEY_MAY_STILL_VERIFY' as const;
  constructor(
    message: string,
    /** When retiring becomes safe. */
    readonly safeAfter: Date,
  ) {
    super(message);
  }
}

/** No active (non-retired, past its not-before) key for the requested algorithm. */
export class NoSigningKeyError extends SigningError {
  readonly code = 'NO_SIGNING_KEY' as const;
}

/** A client asked for id_tokens signed with an algorithm the service has no active key for. */
export class SigningAlgUnavailableError extends SigningError {
  readonly code = 'SIGNING_ALG_UNAVAILABLE' as const;
}

/** A caller passed something unusable (a non-positive lifetime, HS256 without a secret...). A bug, not a client error. */
export class InvalidInputError extends SigningError {
  readonly code = 'INVALID_INPUT' as const;
}

/** The data key (`DATA_KEY` or `keys/data.key`) is not 32 bytes of base64. */
export class DataKeyInvalidError extends SigningError {
  readonly code = 'DATA_KEY_INVALID' as const;
}

/** A sealed value is malformed, was sealed under another data key, or was tampered with. */
export class SealedValueInvalidError extends SigningError {
  readonly code = 'SEALED_VALUE_INVALID' as const;
}
