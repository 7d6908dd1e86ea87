import { randomBytes } from 'node:crypto';

/**
 * Public ids in Auth0's shapes. Not secrets, but unguessable so that knowing
 * one id tells nothing about another.
 */

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 62 · 4: bytes at or above it are dropped so every character is equally likely (no modulo bias). */
const UNBIASED_LIMIT = 248;

/** `length` characters drawn uniformly from [A-Za-z0-9] with the CSPRNG. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length + 8)) {
      if (byte < UNBIASED_LIMIT && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

export const CREDENTIAL_ID_PREFIX = 'dcr_';

/** A device credential id like Auth0's: `dcr_` + 16 alphanumerics (~95 bits). Also the id_token `sid`. */
export function generateCredentialId(): string {
  return `${CREDENTIAL_ID_PREFIX}${randomAlphanumeric(16)}`;
}

/** A client id like Auth0's: 32 alphanumerics (~190 bits). */
export function generateClientId(): string {
  return randomAlphanumeric(32);
}
