import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { CredentialRevokedError, IdTokenWithoutSidError } from './errors';

/** Where the issuer's public keys come from, and what the token must say. */
export interface IdTokenVerificationOptions {
  /** The issuer's `jwks_uri` (`${ISSUER}.well-known/jwks.json`); keys are fetched and cached by jose. */
  jwksUri?: string | URL;
  /** Or the key set itself. Exactly one of `jwksUri`, `jwks`. */
  jwks?: JSONWebKeySet;
  /** Expected `iss` (the service's ISSUER, with its trailing `/`). */
  issuer: string;
  /** Expected `aud`: your client id (or the `target` the token was minted for). */
  audience: string | string[];
  /** Accepted `alg`s; default: the asymmetric ones the service signs with (RS256, ES256, EdDSA). */
  algorithms?: string[];
  /** Clock skew tolerated on `exp`/`iat`, seconds. Default 0. */
  clockToleranceSeconds?: number;
}

/** An id_token's claims once verified (product.md: `sid` is the credential id). */
export type VerifiedIdToken = JWTPayload & { sid: string; sub: string };

/** What the check needs to know about revocations (a RevocationListener). */
export interface RevocationSet {
  isRevoked(credentialId: string): boolean;
}

const DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/** One remote key set per URI for the process: jose caches the keys and re-fetches on an unknown `kid` (key rotation). */
function keySet(options: IdTokenVerificationOptions): JWTVerifyGetKey {
  if ((options.jwksUri === undefined) === (options.jwks === undefined)) {
    throw new TypeError('pass exactly one of jwksUri, jwks');
  }
  if (options.jwks) return createLocalJWKSet(options.jwks);
  const uri = String(options.jwksUri);
  let set = remoteKeySets.get(uri);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri));
    remoteKeySets.set(uri, set);
  }
  return set;
}

/**
 * Verifies one of the service's id_tokens (signature against the JWKS,
 * `iss`, `aud`, `exp`) and then that its credential was not revoked.
 *
 * @throws CredentialRevokedError (`CREDENTIAL_REVOKED`) when `sid` is in the revocation set;
 *   IdTokenWithoutSidError when the token has no `sid`; jose's errors
 *   (`ERR_JWT_EXPIRED`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, `ERR_JWT_CLAIM_VALIDATION_FAILED`, ...) otherwise.
 */
export async function verifyIdTokenNotRevoked(
  idToken: string,
  options: IdTokenVerificationOptions,
  revocations: RevocationSet,
): Promise<VerifiedIdToken> {
  const { payload } = await jwtVerify(idToken, keySet(options), {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms ?? DEFAULT_ALGORITHMS,
    clockTolerance: options.clockToleranceSeconds ?? 0,
    requiredClaims: ['sub', 'exp'],
  });
  const { sid, sub } = payload;
  if (typeof sid !== 'string' || sid.length === 0) throw new IdTokenWithoutSidError('the id_token carries no sid claim');
  if (revocations.isRevoked(sid)) throw new CredentialRevokedError(sid);
  return { ...payload, sid, sub: sub as string };
}
