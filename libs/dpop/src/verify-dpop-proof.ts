import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, type JWK, jwtVerify, type JWTPayload } from 'jose';
import { DPOP_SIGNING_ALGS, type DpopSigningAlg, isDpopSigningAlg } from './algorithms';
import { DpopKeyMismatchError, DpopNonceRequiredError, DpopProofInvalidError, type DpopProofProblem } from './errors';
import { sameHtu } from './htu';
import type { JtiReplayCache } from './jti-replay-cache';
import type { DpopNonces } from './nonces';

/** RFC 9449 §4.2: the `typ` of a proof; nothing else (no `application/` prefix form) is one. */
export const DPOP_PROOF_TYP = 'dpop+jwt';
export const DEFAULT_MAX_PROOF_AGE_SECONDS = 60;
export const DEFAULT_MAX_PROOF_FUTURE_SECONDS = 5;
/** A proof travels in one header: far below any header limit, far above any honest proof (an RSA-4096 key fits). */
export const MAX_PROOF_LENGTH = 8192;
export const MAX_JTI_LENGTH = 256;
/** JWK members that only a private (or symmetric) key has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ASYMMETRIC_KTY = ['EC', 'OKP', 'RSA'];

export interface DpopProofCheck {
  /** The request's method (`POST` at the token endpoint). */
  htm: string;
  /** The request's URI as this server is reached (its public URL); query and fragment play no part. */
  htu: string;
  now: Date;
  /** The access token presented with the proof: then `ath` must be its hash (§4.3 check 12). */
  accessToken?: string;
  /** The thumbprint the presented token is bound to: a valid proof of another key is DPOP_KEY_MISMATCH. */
  expectedJkt?: string;
  /** When given, the proof must carry a nonce these issued (§8); else DPOP_NONCE_REQUIRED. */
  nonces?: DpopNonces;
  /** When given, the proof's `jti` is claimed in it for the whole `iat` window: a replay is refused. */
  replayCache?: JtiReplayCache;
  maxAgeSeconds?: number;
  maxFutureSeconds?: number;
  algorithms?: readonly DpopSigningAlg[];
}

export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key (base64url): what a token is bound to (`cnf.jkt`). */
  jkt: string;
  jti: string;
  iat: number;
  alg: DpopSigningAlg;
}

const invalid = (reason: DpopProofProblem, detail: string, cause?: unknown): DpopProofInvalidError =>
  new DpopProofInvalidError(reason, detail, cause === undefined ? undefined : { cause });

/** base64url(SHA-256(ASCII of the access token)): a proof's `ath` (§4.2). */
export const accessTokenHash = (accessToken: string): string => createHash('sha256').update(accessToken, 'ascii').digest('base64url');

/**
 * Checks a DPoP proof JWT against the request it came with (RFC 9449 §4.3),
 * in this order: shape and header (`typ`, `alg` in the allow-list, `jwk` a
 * public key), signature by that key, `htm`, `htu`, `iat` window, `jti`,
 * `ath`, the expected key, the nonce, and last the one-time use of `jti` (so
 * a proof refused for any other reason does not use it up). Returns the key's
 * thumbprint. Throws a DpopError whose code says which answer is due.
 */
export async function verifyDpopProof(proof: unknown, check: DpopProofCheck): Promise<VerifiedDpopProof> {
  const algorithms = check.algorithms ?? DPOP_SIGNING_ALGS;
  const maxAge = check.maxAgeSeconds ?? DEFAULT_MAX_PROOF_AGE_SECONDS;
  const maxFuture = check.maxFutureSeconds ?? DEFAULT_MAX_PROOF_FUTURE_SECONDS;
  if (typeof proof !== 'string' || proof.length === 0) throw invalid('malformed', 'no proof');
  if (proof.length > MAX_PROOF_LENGTH) throw invalid('malformed', `longer than ${MAX_PROOF_LENGTH} characters`);
  if (proof.split('.').length !== 3) throw invalid('malformed', 'not a compact JWS');

  const header = protectedHeader(proof);
  if (header.typ !== DPOP_PROOF_TYP) throw invalid('typ', `typ ${String(header.typ)}`);
  if (!isDpopSigningAlg(header.alg) || !algorithms.includes(header.alg)) throw invalid('alg', `alg ${String(header.alg)} not allowed`);
  const jwk = publicJwk(header.jwk);

  const payload = await verifiedPayload(proof, algorithms, check.now);
  if (payload.htm !== check.htm) throw invalid('htm', `htm ${String(payload.htm)}, request ${check.htm}`);
  if (typeof payload.htu !== 'string' || !sameHtu(payload.htu, check.htu)) throw invalid('htu', 'htu does not name this endpoint');
  const iat = payload.iat;
  const now = Math.floor(check.now.getTime() / 1000);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('iat', 'no iat');
  if (now - iat > maxAge) throw invalid('iat', `issued ${now - iat}s ago, more than ${maxAge}s`);
  if (iat - now > maxFuture) throw invalid('iat', `issued ${iat - now}s in the future, more than ${maxFuture}s`);
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw invalid('jti', `jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
  if (check.accessToken !== undefined && payload.ath !== accessTokenHash(check.accessToken)) throw invalid('ath', 'ath is not the hash of the access token');

  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  if (check.expectedJkt !== undefined && jkt !== check.expectedJkt) {
    throw new DpopKeyMismatchError(`proof of key ${jkt}, expected ${check.expectedJkt}`);
  }
  if (check.nonces) {
    const problem = check.nonces.problem(payload.nonce, check.now);
    if (problem) throw new DpopNonceRequiredError(problem);
  }
  // §11.1: jti per key; hashed so a key stays bounded whatever the jti holds.
  if (check.replayCache && !(await check.replayCache.claim(`${jkt}:${createHash('sha256').update(jti).digest('base64url')}`, maxAge + maxFuture))) {
    throw invalid('replayed', 'jti already used');
  }
  return { jkt, jti, iat, alg: header.alg };
}

function protectedHeader(proof: string): ReturnType<typeof decodeProtectedHeader> {
  try {
    return decodeProtectedHeader(proof);
  } catch (error) {
    throw invalid('malformed', 'header is not base64url JSON', error);
  }
}

/** The header's `jwk`: an asymmetric public key (§4.3 check 6: no private key material). */
function publicJwk(value: unknown): JWK {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('jwk', 'no jwk header');
  const jwk = value as JWK;
  if (typeof jwk.kty !== 'string' || !ASYMMETRIC_KTY.includes(jwk.kty)) throw invalid('jwk', `kty ${String(jwk.kty)}`);
  const secret = PRIVATE_MEMBERS.find((member) => Object.hasOwn(jwk, member));
  if (secret) throw invalid('jwk', `jwk has the private member ${secret}`);
  return jwk;
}

async function verifiedPayload(proof: string, algorithms: readonly DpopSigningAlg[], now: Date): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { algorithms: [...algorithms], typ: DPOP_PROOF_TYP, currentDate: now });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) throw invalid('signature', 'signature does not verify', error);
    if (error instanceof errors.JWTExpired || (error instanceof errors.JWTClaimValidationFailed && ['iat', 'nbf', 'exp'].includes(error.claim))) {
      throw invalid('iat', error.message, error);
    }
    if (error instanceof errors.JWSInvalid || error instanceof errors.JOSENotSupported || error instanceof TypeError) {
      throw invalid('jwk', 'jwk is not a usable public key for alg', error);
    }
    throw invalid('malformed', error instanceof Error ? error.message : String(error), error);
  }
}
