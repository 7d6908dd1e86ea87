/**
 * What a refresh token looks like (F1): 32 bytes of CSPRNG output (256 bits),
 * base64url, after the prefix `rt_` so secret scanners and humans recognise
 * one in a log or a paste (the prefix adds no entropy and costs none).
 *
 * Randomness is an input (style.md §4): the caller passes its `random`
 * (the service's IdGenerator), so the domain stays free of I/O and a test can
 * fix the token. The token is minted before the command: the decider only
 * ever sees its hash (invariant 2).
 */

export const REFRESH_TOKEN_PREFIX = 'rt_';
export const REFRESH_TOKEN_BYTES = 32;

/** A source of `bytes` random bytes, base64url-encoded (the service's IdGenerator fits). */
export interface RandomSource {
  random(bytes: number): string;
}

/** A new opaque refresh token: `rt_` + 43 base64url chars. Shown once, never stored. */
export function generateRefreshToken(source: RandomSource): string {
  return `${REFRESH_TOKEN_PREFIX}${source.random(REFRESH_TOKEN_BYTES)}`;
}
