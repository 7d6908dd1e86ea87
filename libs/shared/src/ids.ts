import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Ids and randomness are inputs (style.md §4): every id the service makes
 * (event ids, credential and client ids, refresh tokens, the relay lease's
 * holder) comes from one of these, so a test can pass its own.
 */
export interface IdGenerator {
  /** A UUID for an event id. */
  uuid(): string;
  /** `bytes` of CSPRNG output, base64url-encoded (refresh tokens, secrets, public ids). */
  random(bytes: number): string;
  /** `length` characters drawn uniformly from [A-Za-z0-9] (public ids in Auth0's shapes). */
  alphanumeric(length: number): string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 62 · 4: bytes at or above it are dropped so every character is equally likely (no modulo bias). */
const UNBIASED_LIMIT = 248;

/** The CSPRNG's ids: the production IdGenerator. */
export const cryptoIds: IdGenerator = {
  uuid: () => randomUUID(),
  random: (bytes: number) => randomBytes(bytes).toString('base64url'),
  alphanumeric: (length: number) => {
    let out = '';
    while (out.length < length) {
      for (const byte of randomBytes(length + 8)) {
        if (byte < UNBIASED_LIMIT && out.length < length) out += ALPHANUMERIC[byte % 62];
      }
    }
    return out;
  },
};
