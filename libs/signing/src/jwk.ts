import { calculateJwkThumbprint, type JWK } from 'jose';
import { type AsymmetricAlg, isAsymmetricAlg, MIN_RSA_MODULUS_BITS } from './algorithms';
import { KeyStoreInvalidError } from './errors';

/**
 * A public signing key as published in the JWKS. Built from a whitelist of
 * public members per key type, so no private member (`d`, `p`, `q`, `dp`,
 * `dq`, `qi`, `oth`, `k`) nor our bookkeeping fields can leak.
 */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: AsymmetricAlg;
  use: 'sig';
  /** RSA */
  n?: string;
  e?: string;
  /** EC / OKP */
  crv?: string;
  x?: string;
  /** EC */
  y?: string;
}

/**
 * A private signing key as stored in a key file or given in `SIGNING_KEYS`:
 * a JWK plus three bookkeeping members (ISO-8601 strings, ignored by JOSE
 * libraries). `created_at` orders rotation; `not_before` delays signing so a
 * key reaches JWKS caches before tokens use it; `retired_at` takes it out of
 * the JWKS.
 */
export interface StoredPrivateJwk extends JWK {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: AsymmetricAlg;
  use: 'sig';
  d: string;
  created_at?: string;
  not_before?: string;
  retired_at?: string;
}

const PRIVATE_MEMBERS: Record<PublicJwk['kty'], readonly string[]> = {
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
  EC: ['d'],
  OKP: ['d'],
};
const PUBLIC_MEMBERS: Record<PublicJwk['kty'], readonly (keyof PublicJwk)[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};
const BOOKKEEPING = ['created_at', 'not_before', 'retired_at'] as const;

/** The key type (and curve) each algorithm requires (RFC 7518 §3.1, RFC 8037 §3.1). */
const EXPECTED: Record<AsymmetricAlg, { kty: PublicJwk['kty']; crv?: string }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/** The JWKS entry for a private key: public members plus kid, alg, use. */
export function toPublicJwk(key: StoredPrivateJwk): PublicJwk {
  const pub: PublicJwk = { kty: key.kty, kid: key.kid, alg: key.alg, use: 'sig' };
  for (const member of PUBLIC_MEMBERS[key.kty]) {
    const value = key[member];
    if (typeof value === 'string') (pub as unknown as Record<string, string>)[member] = value;
  }
  return pub;
}

/** The bare JWK (key material only) handed to jose's importJWK. */
export function keyMaterial(key: StoredPrivateJwk, part: 'private' | 'public'): JWK {
  const source = key as unknown as Record<string, unknown>;
  const jwk: JWK = { kty: key.kty };
  const members = part === 'private' ? [...PUBLIC_MEMBERS[key.kty], ...PRIVATE_MEMBERS[key.kty]] : PUBLIC_MEMBERS[key.kty];
  for (const member of members) {
    const value = source[member];
    if (typeof value === 'string') Object.assign(jwk, { [member]: value });
  }
  return jwk;
}

/** RFC 7638 thumbprint (SHA-256, base64url): a `kid` every party can recompute from the public key. */
export const thumbprint = (key: JWK): Promise<string> => calculateJwkThumbprint(key, 'sha256');

function inferAlg(raw: Record<string, unknown>): AsymmetricAlg | undefined {
  if (raw.kty === 'RSA') return 'RS256';
  if (raw.kty === 'EC' && raw.crv === 'P-256') return 'ES256';
  if (raw.kty === 'OKP' && raw.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

function checkDate(raw: Record<string, unknown>, member: (typeof BOOKKEEPING)[number], where: string): void {
  const value = raw[member];
  if (value === undefined) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new KeyStoreInvalidError(`${where}: "${member}" must be an ISO-8601 date`);
  }
}

/**
 * Checks a parsed JSON value is a usable private signing key and fills in
 * what may be omitted in a provided JWKS: `alg` (inferred from kty/crv),
 * `use` ('sig'), `kid` (RFC 7638 thumbprint). `where` names the source in errors
 * (never the key material).
 */
export async function parsePrivateJwk(value: unknown, where: string): Promise<StoredPrivateJwk> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KeyStoreInvalidError(`${where}: not a JWK object`);
  }
  const raw = value as Record<string, unknown>;
  const alg = raw.alg === undefined ? inferAlg(raw) : raw.alg;
  if (!isAsymmetricAlg(alg)) {
    throw new KeyStoreInvalidError(`${where}: alg must be one of RS256, ES256, EdDSA`);
  }
  const expected = EXPECTED[alg];
  if (raw.kty !== expected.kty || (expected.crv !== undefined && raw.crv !== expected.crv)) {
    throw new KeyStoreInvalidError(`${where}: ${alg} needs kty ${expected.kty}${expected.crv ? ` crv ${expected.crv}` : ''}`);
  }
  if (raw.use !== undefined && raw.use !== 'sig') {
    throw new KeyStoreInvalidError(`${where}: use must be "sig"`);
  }
  for (const member of [...PUBLIC_MEMBERS[expected.kty], 'd']) {
    if (typeof raw[member] !== 'string' || raw[member] === '') {
      throw new KeyStoreInvalidError(`${where}: missing "${member}" (a private key is required)`);
    }
  }
  if (expected.kty === 'RSA') {
    const bits = Buffer.from(raw.n as string, 'base64url').length * 8;
    if (bits < MIN_RSA_MODULUS_BITS) {
      throw new KeyStoreInvalidError(`${where}: RSA modulus of ${bits} bits, at least ${MIN_RSA_MODULUS_BITS} required`);
    }
  }
  for (const member of BOOKKEEPING) checkDate(raw, member, where);
  if (raw.kid !== undefined && (typeof raw.kid !== 'string' || raw.kid === '')) {
    throw new KeyStoreInvalidError(`${where}: kid must be a non-empty string`);
  }
  const key = { ...raw, alg, use: 'sig' } as StoredPrivateJwk;
  if (raw.kid === undefined) key.kid = await thumbprint(keyMaterial(key, 'public'));
  return key;
}
