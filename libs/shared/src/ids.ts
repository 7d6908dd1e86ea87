import { randomBytes, randomUUID } from 'node:crypto';

/** Ids and randomness are inputs (style.md §4). */
export interface IdGenerator {
  /** A UUID for an event id. */
  uuid(): string;
  /** `bytes` of CSPRNG output, base64url-encoded (refresh tokens, secrets, public ids). */
  random(bytes: number): string;
}

export const cryptoIds: IdGenerator = {
  uuid: () => randomUUID(),
  random: (bytes: number) => randomBytes(bytes).toString('base64url'),
};
