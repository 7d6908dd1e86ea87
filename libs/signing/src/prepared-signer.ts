import { type KeyObject, sign, type SignKeyObjectInput } from 'node:crypto';
import type { KeyLike } from 'jose';
import type { AsymmetricAlg } from './algorithms';

/**
 * A compact JWS signer prepared once per key (and header): the protected
 * header segment is encoded once, the KeyObject is reused and node:crypto
 * signs directly, so a token costs one JSON.stringify, one base64url and the
 * signature itself. jose's SignJWT re-validates and re-encodes the header,
 * copies the claims and goes through its generic key checks on every call;
 * on the /delegation hot path that was a measurable share of the request.
 * The output is an ordinary JWS (RFC 7515 compact form), checked against
 * jose's verification in prepared-signer.unit.spec.ts.
 */
export interface PreparedSigner {
  readonly alg: AsymmetricAlg;
  readonly kid: string;
  /** `header.payload.signature` of these claims (serialised as given, in their own key order). */
  sign(claims: object): string;
}

/** node:crypto's digest and options for each JWS alg (RFC 7518 §3.3, §3.4; RFC 8037 §3.1). */
function signInput(alg: AsymmetricAlg, key: KeyObject): { digest: string | null; key: KeyObject | SignKeyObjectInput } {
  switch (alg) {
    case 'RS256':
      return { digest: 'sha256', key };
    case 'ES256':
      // JWS wants R || S (64 bytes), not the DER node:crypto gives by default.
      return { digest: 'sha256', key: { key, dsaEncoding: 'ieee-p1363' } };
    case 'EdDSA':
      return { digest: null, key };
  }
}

/** Key types each alg signs with; anything else is refused when preparing, never at signing time. */
const KEY_TYPE: Record<AsymmetricAlg, (key: KeyObject) => boolean> = {
  RS256: (key) => key.asymmetricKeyType === 'rsa',
  ES256: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  EdDSA: (key) => key.asymmetricKeyType === 'ed25519',
};

function isKeyObject(key: KeyLike): key is KeyObject {
  return typeof (key as Partial<KeyObject>).asymmetricKeyType === 'string' && (key as Partial<KeyObject>).type === 'private';
}

/** Prepares a signer for one private key, alg, kid and `typ`. Throws when the key cannot sign with `alg`. */
export function prepareSigner(options: { alg: AsymmetricAlg; kid: string; privateKey: KeyLike; typ: string }): PreparedSigner {
  const { alg, kid, privateKey, typ } = options;
  if (!isKeyObject(privateKey) || !KEY_TYPE[alg](privateKey)) throw new TypeError(`the key cannot sign ${alg}`);
  const header = Buffer.from(JSON.stringify({ alg, kid, typ })).toString('base64url');
  const { digest, key } = signInput(alg, privateKey);
  return {
    alg,
    kid,
    sign(claims) {
      const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${signingInput}.${sign(digest, Buffer.from(signingInput), key).toString('base64url')}`;
    },
  };
}

// One prepared signer per (key object, kid, typ); forgotten with the key object when a reload replaces it.
const prepared = new WeakMap<object, Map<string, PreparedSigner>>();

/** The prepared signer of a store's signing key, made on first use and reused while the key object lives. */
export function preparedSignerFor(key: { alg: AsymmetricAlg; kid: string; privateKey: KeyLike }, typ: string): PreparedSigner {
  let byHeader = prepared.get(key.privateKey);
  if (!byHeader) prepared.set(key.privateKey, (byHeader = new Map()));
  const id = `${key.alg} ${key.kid} ${typ}`;
  let signer = byHeader.get(id);
  if (!signer) byHeader.set(id, (signer = prepareSigner({ ...key, typ })));
  return signer;
}
