/** Public API of the signing lib: keys, JWKS, id_tokens, access tokens, secrets, discovery. */
export * from './algorithms';
export * from './errors';
export type { PublicJwk, StoredPrivateJwk } from './jwk';
export { generateSigningKey, type GenerateSigningKeyOptions } from './generate-signing-key';
export * from './key-store';
export * from './mint-id-token';
export * from './verify-id-token';
export * from './mint-access-token';
export * from './sign-detached-jws';
export * from './verify-access-token';
export { DEFAULT_CLOCK_TOLERANCE_SECONDS } from './verify-jwt';
export * from './bearer-token';
export * from './secrets';
export * from './identifiers';
export * from './secret-sealer';
export * from './discovery';
