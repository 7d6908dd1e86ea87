import { exportJWK, generateKeyPair } from 'jose';
import { type AsymmetricAlg, MIN_RSA_MODULUS_BITS } from './algorithms';
import { keyMaterial, parsePrivateJwk, type StoredPrivateJwk, thumbprint } from './jwk';

export interface GenerateSigningKeyOptions {
  /** Stored as `created_at`; the newest active key of an algorithm signs. */
  createdAt: Date;
  /** Stored as `not_before` when later than createdAt: published at once, signs from then on. */
  notBefore?: Date;
}

/**
 * A fresh private signing JWK: RS256 → RSA 2048, ES256 → P-256, EdDSA →
 * Ed25519; `kid` is its RFC 7638 thumbprint, `use` 'sig'.
 */
export async function generateSigningKey(alg: AsymmetricAlg, options: GenerateSigningKeyOptions): Promise<StoredPrivateJwk> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: MIN_RSA_MODULUS_BITS } : {}),
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const exported = await exportJWK(privateKey);
  const kid = await thumbprint(keyMaterial({ ...exported, alg, use: 'sig', kid: '' } as StoredPrivateJwk, 'public'));
  const key: Record<string, unknown> = { ...exported, kid, alg, use: 'sig', created_at: options.createdAt.toISOString() };
  if (options.notBefore && options.notBefore.getTime() > options.createdAt.getTime()) {
    key.not_before = options.notBefore.toISOString();
  }
  // Through the same checks as loaded keys: what we write, we can read back.
  return parsePrivateJwk(key, `generated ${alg} key`);
}
