import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyLike } from 'jose';
import type { Clock } from '@app/shared';
import type { AsymmetricAlg } from './algorithms';
import {
  SigningError,
  TokenClaimInvalidError,
  TokenExpiredError,
  TokenInvalidError,
  TokenMissingError,
} from './errors';
import type { KeyStore } from './key-store';

/**
 * Internal: the verification steps id_tokens and access tokens share, and
 * the one place jose's errors become ours (style.md §8).
 */

/** Clock skew allowed on `exp`/`nbf` between replicas and relying parties. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 15;

export interface JwtCheck {
  algorithms: readonly string[];
  issuer: string;
  audience?: string | string[];
  /** Explicit typing (RFC 8725 §3.11): an access token is never accepted as an id_token and vice versa. */
  typ: string;
  requiredClaims: string[];
  clock: Clock;
  clockToleranceSeconds?: number;
}

export function mapJoseError(error: unknown): SigningError {
  if (error instanceof SigningError) return error;
  if (error instanceof errors.JWTExpired) return new TokenExpiredError('token expired', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A wrong `typ` is the wrong kind of token, not a wrong claim value.
    if (error.claim === 'typ') return new TokenInvalidError('unexpected token type', { cause: error });
    return new TokenClaimInvalidError(`invalid "${error.claim}" claim`, error.claim, { cause: error });
  }
  // Bad format, bad signature, alg outside the allow-list (incl. `none`), and anything
  // unexpected while parsing attacker-supplied input: the token is not one of ours.
  return new TokenInvalidError('token invalid', { cause: error });
}

/** Rejects an absent token before jose sees it, so "no token" and "bad token" stay distinct. */
export function requireToken(token: string | null | undefined): string {
  if (token === undefined || token === null || token.trim() === '') throw new TokenMissingError('no token');
  return token;
}

/** Resolves the header's `kid` in the key store; the key's own alg must match the header's. */
export function keyStoreResolver(keyStore: KeyStore): (header: { alg?: string; kid?: string }) => Promise<KeyLike> {
  return async (header) => {
    if (typeof header.kid !== 'string') throw new TokenInvalidError('no kid in the token header');
    const key = await keyStore.verificationKey(header.kid);
    if (!key) throw new TokenInvalidError('unknown kid');
    if (key.alg !== (header.alg as AsymmetricAlg)) throw new TokenInvalidError('alg does not match the key');
    return key.publicKey;
  };
}

export async function verifyJwt(
  token: string,
  key: (header: { alg?: string; kid?: string }) => Promise<KeyLike | Uint8Array>,
  check: JwtCheck,
): Promise<{ payload: JWTPayload; alg: string; kid?: string }> {
  const getKey: JWTVerifyGetKey = (header) => key(header);
  try {
    const { payload, protectedHeader } = await jwtVerify(token, getKey, {
      algorithms: [...check.algorithms],
      issuer: check.issuer,
      ...(check.audience !== undefined ? { audience: check.audience } : {}),
      typ: check.typ,
      requiredClaims: check.requiredClaims,
      currentDate: check.clock.now(),
      clockTolerance: check.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    });
    return { payload, alg: protectedHeader.alg, ...(protectedHeader.kid !== undefined ? { kid: protectedHeader.kid } : {}) };
  } catch (error) {
    throw mapJoseError(error);
  }
}
