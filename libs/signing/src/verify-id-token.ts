import type { JWTPayload } from 'jose';
import type { Clock } from '@app/shared';
import { ASYMMETRIC_ALGS, type IdTokenAlg } from './algorithms';
import { TokenClaimInvalidError, TokenInvalidError } from './errors';
import type { KeyStore } from './key-store';
import { keyStoreResolver, requireToken, verifyJwt } from './verify-jwt';

export interface VerifyIdTokenOptions {
  keyStore: KeyStore;
  /** Expected `iss`. */
  issuer: string;
  clock: Clock;
  /**
   * The client presenting the token: `azp` must be exactly this client. The
   * verification key follows from it too, never from a claim of the token.
   */
  clientId: string;
  /**
   * The presenting client's own secret, when that client signs HS256
   * id_tokens. Without it HS256 tokens are refused. Never an RSA/EC public
   * key: that is the algorithm-confusion attack (RFC 8725 §2.1).
   */
  hs256Secret?: string;
  /** Expected `aud` value(s), checked as well when given. */
  audience?: string | string[];
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
 * Verifies one of OUR id_tokens as presented by `clientId` (product.md F5:
 * /delegation accepts a valid, unexpired id_token instead of a refresh
 * token): signature by a non-retired key of ours, or for HS256 by the
 * presenting client's own secret; typ 'JWT', iss, exp within the clock
 * tolerance, presence of sub, aud, iat, azp, sid, and `azp` = `clientId`.
 * The key is chosen by the caller's identity, never by the token's unverified
 * claims: otherwise any HS256 client signs tokens naming another client.
 * Errors: TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_CLAIM_INVALID.
 */
export async function verifyIdToken(token: string | null | undefined, options: VerifyIdTokenOptions): Promise<VerifiedIdToken> {
  const jwt = requireToken(token);
  const resolveAsymmetric = keyStoreResolver(options.keyStore);
  const { hs256Secret } = options;
  const algorithms: string[] = [...ASYMMETRIC_ALGS];
  if (hs256Secret) algorithms.push('HS256');

  const { payload, alg, kid } = await verifyJwt(
    jwt,
    async (header) => {
      if (header.alg !== 'HS256') return resolveAsymmetric(header);
      if (!hs256Secret) throw new TokenInvalidError('HS256 is not accepted from this client');
      return new TextEncoder().encode(hs256Secret);
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
  if (payload.azp !== options.clientId) throw new TokenClaimInvalidError('"azp" is not the presenting client', 'azp');
  return { claims: payload as IdTokenClaims, alg: alg as IdTokenAlg, ...(kid !== undefined ? { kid } : {}) };
}
