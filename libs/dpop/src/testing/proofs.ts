import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

/** A client's DPoP key pair for tests, made by jose. */
export interface ProofKey {
  alg: string;
  privateKey: KeyLike;
  publicJwk: JWK;
  privateJwk: JWK;
}

export async function proofKey(alg = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return { alg, privateKey, publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

export interface ProofInput {
  htm?: string;
  htu: string;
  /** Epoch seconds. */
  iat: number;
  jti?: string;
  nonce?: string;
  ath?: string;
  /** Header overrides (typ, alg, jwk): the attacks. */
  header?: Record<string, unknown>;
  /** Claims to drop or replace. */
  claims?: Record<string, unknown>;
}

/** A DPoP proof JWT signed with `key`, as a client makes one; anything may be overridden to play an attack. */
export function signProof(key: ProofKey, input: ProofInput): Promise<string> {
  const claims: Record<string, unknown> = { htm: input.htm ?? 'POST', htu: input.htu, iat: input.iat, jti: input.jti ?? randomUUID() };
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  if (input.ath !== undefined) claims.ath = input.ath;
  Object.assign(claims, input.claims);
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...input.header } as never)
    .sign(key.privateKey);
}
