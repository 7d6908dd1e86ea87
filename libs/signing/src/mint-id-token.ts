import { SignJWT } from 'jose';
import type { Clock } from '@app/shared';
import { withSpan } from '@app/tracing';
import { type IdTokenAlg, isAsymmetricAlg, toNumericDate } from './algorithms';
import { InvalidInputError } from './errors';
import type { KeyStore } from './key-store';
import { preparedSignerFor } from './prepared-signer';

/** Claims this lib sets on every id_token; `extraClaims` may not override them. */
export const ID_TOKEN_RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti', 'azp', 'sid'] as const;

/** RFC 7518 §3.2: an HS256 key must be at least 256 bits. */
export const MIN_HS256_SECRET_BYTES = 32;

export interface MintIdTokenInput {
  keyStore: KeyStore;
  /** `iss`; ends with '/'. */
  issuer: string;
  /** `sub`: the user id. */
  subject: string;
  /** `aud`: the client id, or the `target` of a /delegation call. */
  audience: string;
  /** `azp`: the client the token was minted for. */
  azp: string;
  /** `sid`: the device credential id, so downstream services can match a revocation (F7). */
  sid: string;
  /** `exp - iat`: the client's `jwt_configuration.lifetime_in_seconds`. */
  lifetimeInSeconds: number;
  alg: IdTokenAlg;
  /** The client secret (UTF-8 bytes are the HMAC key, as Auth0 does); required for HS256 only. */
  hs256Secret?: string;
  clock: Clock;
  extraClaims?: Record<string, unknown>;
}

export interface MintedIdToken {
  idToken: string;
  /** Seconds, `exp - iat` (the `expires_in` of the /delegation answer). */
  expiresIn: number;
  iat: number;
  exp: number;
  /** The signing key's id; absent for HS256. */
  kid?: string;
}

/**
 * Mints an id_token (product.md "id_token claims"): iss, sub, aud, iat, exp,
 * azp, sid; header alg, typ 'JWT' and, for asymmetric algs, the kid of the
 * store's current key for that alg.
 */
export function mintIdToken(input: MintIdTokenInput): Promise<MintedIdToken> {
  // Traced (OTEL_*): the algorithm and key id, never a claim or the token.
  return withSpan('sign id_token', { 'jwt.alg': String(input.alg) }, async (span) => {
    const minted = await mint(input);
    if (minted.kid !== undefined) span?.setAttribute('jwt.kid', minted.kid);
    return minted;
  });
}

async function mint(input: MintIdTokenInput): Promise<MintedIdToken> {
  const { lifetimeInSeconds } = input;
  if (!Number.isSafeInteger(lifetimeInSeconds) || lifetimeInSeconds <= 0) {
    throw new InvalidInputError('lifetimeInSeconds must be a positive integer');
  }
  for (const claim of ID_TOKEN_RESERVED_CLAIMS) {
    if (input.extraClaims && Object.hasOwn(input.extraClaims, claim)) {
      throw new InvalidInputError(`extraClaims may not set "${claim}"`);
    }
  }
  const iat = toNumericDate(input.clock.now());
  const exp = iat + lifetimeInSeconds;
  const claims = { ...input.extraClaims, azp: input.azp, sid: input.sid, iss: input.issuer, sub: input.subject, aud: input.audience, iat, exp };

  if (input.alg === 'HS256') {
    const secret = input.hs256Secret === undefined ? undefined : new TextEncoder().encode(input.hs256Secret);
    if (!secret || secret.length < MIN_HS256_SECRET_BYTES) {
      throw new InvalidInputError(`HS256 needs the client secret, at least ${MIN_HS256_SECRET_BYTES} bytes`);
    }
    const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
    return { idToken, expiresIn: lifetimeInSeconds, iat, exp };
  }
  if (!isAsymmetricAlg(input.alg)) throw new InvalidInputError(`unsupported alg ${String(input.alg)}`);
  // The hot path (/delegation, the refresh grant): a signer prepared once per key, no jose in between.
  const signer = preparedSignerFor(input.keyStore.signingKey(input.alg), 'JWT');
  return { idToken: signer.sign(claims), expiresIn: lifetimeInSeconds, iat, exp, kid: signer.kid };
}
