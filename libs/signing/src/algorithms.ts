/**
 * The JWS algorithms this service signs with (product.md F7). Same literals as
 * `SigningAlg` in libs/clients/src/events.ts, restated here so the signing lib
 * does not depend on a domain lib.
 */
export type AsymmetricAlg = 'RS256' | 'ES256' | 'EdDSA';
export type IdTokenAlg = AsymmetricAlg | 'HS256';

/** In the order keys are generated and listed. RS256 first: it is the default. */
export const ASYMMETRIC_ALGS: readonly AsymmetricAlg[] = ['RS256', 'ES256', 'EdDSA'];

export const isAsymmetricAlg = (alg: unknown): alg is AsymmetricAlg =>
  typeof alg === 'string' && (ASYMMETRIC_ALGS as readonly string[]).includes(alg);

/** RFC 7518 §3.3: RSA keys of 2048 bits or more. */
export const MIN_RSA_MODULUS_BITS = 2048;

/** NumericDate (RFC 7519 §2): whole seconds since the epoch. */
export const toNumericDate = (date: Date): number => Math.floor(date.getTime() / 1000);
