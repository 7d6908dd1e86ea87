/**
 * DPoP (RFC 9449): proof verification, server nonces every replica accepts
 * without shared state, and the `jti` replay cache (memory or Redis).
 * Framework-free: jose and node:crypto only.
 */
export * from './errors';
export * from './algorithms';
export { normaliseHtu, sameHtu } from './htu';
export * from './nonces';
export * from './jti-replay-cache';
export * from './redis-jti-replay-cache';
export * from './verify-dpop-proof';
