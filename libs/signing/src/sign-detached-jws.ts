import { CompactSign } from 'jose';
import type { AsymmetricAlg } from './algorithms';
import type { KeyStore } from './key-store';

export interface SignDetachedJwsInput {
  keyStore: KeyStore;
  /** Signed with the store's current key of this algorithm (its `kid` in the protected header, published in the JWKS). */
  alg: AsymmetricAlg;
  /** `typ` of the protected header: what the signature is for, so it is never taken for another kind of JWS. */
  typ: string;
  payload: Uint8Array;
}

/**
 * A JWS in compact serialization with a detached payload (RFC 7515
 * Appendix F): `header..signature`. The verifier rebuilds the payload from
 * what it received and puts its base64url form back in the middle.
 */
export async function signDetachedJws(input: SignDetachedJwsInput): Promise<string> {
  const key = input.keyStore.signingKey(input.alg);
  const jws = await new CompactSign(input.payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: input.typ }).sign(key.privateKey);
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}
