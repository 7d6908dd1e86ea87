/**
 * The proof signing algorithms accepted (RFC 9449 §4.3 check 5): asymmetric
 * only, never `none` nor a MAC (the proof must show possession of a private
 * key whose public half is in the header). Listed in discovery as
 * `dpop_signing_alg_values_supported` (§5.1). Ed25519 under both names: `EdDSA`
 * and the fully specified `Ed25519` (RFC 9864), which openid-client 6 sends.
 */
export const DPOP_SIGNING_ALGS = ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] as const;
export type DpopSigningAlg = (typeof DPOP_SIGNING_ALGS)[number];

export const isDpopSigningAlg = (alg: unknown): alg is DpopSigningAlg =>
  typeof alg === 'string' && (DPOP_SIGNING_ALGS as readonly string[]).includes(alg);

/** RFC 7638 thumbprint of a key, SHA-256, base64url without padding: always 43 characters. */
export const JKT_PATTERN = /^[A-Za-z0-9_-]{43}$/;
