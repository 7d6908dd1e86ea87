/**
 * The refresh-token domain's one I/O edge: SHA-256 from node:crypto, kept out
 * of the pure index (import it by this path). Stored only as hex SHA-256 of
 * the whole token string, prefix included (invariant 2). No salt and no slow
 * hash: a salt defends guessable inputs against precomputed tables and a slow
 * hash defends low-entropy ones, and a 256-bit random token is neither; a
 * plain digest also keeps lookups by hash possible, which a per-token salt would not.
 */
import { createHash } from 'node:crypto';

/** Hex SHA-256 of the token: what events and the read model store. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
