import { CodedError } from '@app/shared';

/**
 * Stable error codes of the DPoP lib (RFC 9449). The HTTP edge maps them:
 * DPOP_PROOF_INVALID → 400 `invalid_dpop_proof`, DPOP_NONCE_REQUIRED → 400
 * `use_dpop_nonce` with a fresh `DPoP-Nonce` header (§8), DPOP_KEY_MISMATCH →
 * 400 `invalid_grant` (a well-formed proof of a key the token is not bound to).
 */
export type DpopErrorCode = 'DPOP_PROOF_INVALID' | 'DPOP_NONCE_REQUIRED' | 'DPOP_KEY_MISMATCH';

/** Which rule of RFC 9449 §4.3 a proof broke: for the log, never for the caller. */
export type DpopProofProblem =
  | 'malformed'
  | 'typ'
  | 'alg'
  | 'jwk'
  | 'signature'
  | 'htm'
  | 'htu'
  | 'iat'
  | 'jti'
  | 'ath'
  | 'replayed';

export abstract class DpopError extends CodedError<DpopErrorCode> {}

/** The proof is not a valid DPoP proof JWT for this request (`reason` says which check failed). */
export class DpopProofInvalidError extends DpopError {
  readonly code = 'DPOP_PROOF_INVALID' as const;
  constructor(
    readonly reason: DpopProofProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`DPoP proof invalid (${reason}): ${detail}`, options);
  }
}

/** Why a proof's nonce was not accepted. */
export type DpopNonceProblem = 'missing' | 'stale' | 'invalid';

/** The proof has no nonce, or one this service did not issue recently: the client retries with a fresh one (§8). */
export class DpopNonceRequiredError extends DpopError {
  readonly code = 'DPOP_NONCE_REQUIRED' as const;
  constructor(readonly reason: DpopNonceProblem) {
    super(`DPoP nonce ${reason}`);
  }
}

/** A valid proof, of a key other than the one expected (the refresh token's `jkt`). */
export class DpopKeyMismatchError extends DpopError {
  readonly code = 'DPOP_KEY_MISMATCH' as const;
}
