import { randomBytes, scrypt as scryptCallback, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from './errors';

/**
 * Client secrets: generation and hashing. (Refresh tokens are the refresh-token
 * domain's: `@app/refresh-tokens` and `@app/refresh-tokens/secret/token-hash`.)
 *
 * Client secrets: 48 random bytes (384 bits), base64url. Stored as a scrypt
 * verifier with a per-secret salt. For our generated secrets SHA-256 would
 * do; scrypt is for the secrets an operator chooses (MANAGEMENT_CLIENT_SECRET).
 */

export const CLIENT_SECRET_BYTES = 48;

/** A new client secret: 64 base64url chars (384 bits). */
export function generateClientSecret(): string {
  return randomBytes(CLIENT_SECRET_BYTES).toString('base64url');
}

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of ms). Below OWASP's
 * 2^17 for passwords on purpose: this runs on every confidential-client token
 * request, and the secrets it guards are mostly 384-bit random values.
 * Parameters travel in the encoded hash, so they can be raised later.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function scrypt(secret: string, salt: Buffer, keylen: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node refuses work needing more than `maxmem` (default 32 MiB); scrypt needs 128·N·r bytes.
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(secret.normalize('NFC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$<salt base64url>$<hash base64url>` with a fresh 16-byte salt. */
export async function hashClientSecret(secret: string): Promise<string> {
  if (secret === '') throw new InvalidInputError('empty client secret');
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(secret, salt, KEY_BYTES, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const ENCODED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/**
 * True when `secret` matches the verifier (constant-time compare). A
 * malformed verifier or parameters out of sane bounds (which would let a
 * forged row burn CPU or memory) throw INVALID_INPUT: that is a data bug.
 */
export async function verifyClientSecret(secret: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) throw new InvalidInputError('not a scrypt verifier');
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4] as string, 'base64url');
  const expected = Buffer.from(match[5] as string, 'base64url');
  const powerOfTwo = (N & (N - 1)) === 0;
  if (!powerOfTwo || N < 2 ** 10 || N > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16 || expected.length < 16 || expected.length > 64) {
    throw new InvalidInputError('scrypt verifier parameters out of bounds');
  }
  if (secret === '') return false;
  const actual = await scrypt(secret, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}
