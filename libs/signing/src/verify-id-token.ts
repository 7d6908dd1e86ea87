import type { JWTPayload } from 'jose';
import type { Clock } from '@app/shared';
import { ASYMMETRIC_ALGS, type IdTokenAlg } from './algorithms';
import { TokenClaimInvalidError, TokenInvalidError } from './errors';
import type { KeyStore } from './key-store';
import { keyStoreResolver, peekPayload, requireToken, verifyJwt } from './verify-jwt';

export interface VerifyIdTokenOptions {
  keyStore: KeyStore;
  /** Expected `iss`. */
  issuer: string;
  clock: Clock;
  /** Expected `aud` value(s); omit to let the caller compare `aud`/`azp` with the calling client itself. */
  audience?: string | string[];
  /**
   * The client secret of an HS256 client, looked up by the token's `azp`.
   * Without it HS256 tokens are refused. Never an RSA/EC public key: that is
   * the algorithm-confusion attack (RFC 8725 §2.1).
   */
  hs256SecretFor?: (clientId: string) => string | undefined | Promise<string | undefined>;
  clockToleranceSeconds?: number;
}

export interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  iat: number;
  exp: number;
  azp: string;
  sid: string;
}

export interface VerifiedIdToken {
  claims: IdTokenClaims;
  alg: IdTokenAlg;
  /** Absent for HS256. */
  kid?: string;
}

/**
 * Verifies one of OUR id_tokens (product.md F5: /delegation accepts a valid,
 * unexpired id_token instead of a refresh token): signature by a non-retired
 * key of ours (or the client secret for HS256), typ 'JWT', iss, exp within the
 * clock tolerance, and presence of sub, aud, iat, azp, sid. Errors: TOKEN_MISSING,
 * TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_CLAIM_INVALID.
 */
export async function verifyIdToken(token: string | null | undefined, options: VerifyIdTokenOptions): Promise<VerifiedIdToken> {
  const jwt = requireToken(token);
  const unverified = peekPayload(jwt);
  const resolveAsymmetric = keyStoreResolver(options.keyStore);
  const algorithms: string[] = [...ASYMMETRIC_ALGS];
  if (options.hs256SecretFor) algorithms.push('HS256');

  const { payload, alg, kid } = await verifyJwt(
    jwt,
    async (header) => {
      if (header.alg !== 'HS256') return resolveAsymmetric(header);
      const clientId = typeof unverified.azp === 'string' ? unverified.azp : typeof unverified.aud === 'string' ? unverified.aud : undefined;
      const secret = clientId === undefined ? undefined : await options.hs256SecretFor?.(clientId);
      if (!secret) throw new TokenInvalidError('no HS256 secret for this client');
      return new TextEncoder().encode(secret);
    },
    {
      algorithms,
      issuer: options.issuer,
      audience: options.audience,
      typ: 'JWT',
      requiredClaims: ['iss', 'sub', 'aud', 'iat', 'exp', 'azp', 'sid'],
      clock: options.clock,
      clockToleranceSeconds: options.clockToleranceSeconds,
    },
  );
  for (const claim of ['sub', 'azp', 'sid'] as const) {
    if (typeof payload[claim] !== 'string' || payload[claim] === '') {
      throw new TokenClaimInvalidError(`"${claim}" must be a non-empty string`, claim);
    }
  }
  return { claims: payload as IdTokenClaims, alg: alg as IdTokenAlg, ...(kid !== undefined ? { kid } : {}) };
}
