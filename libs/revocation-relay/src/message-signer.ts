import { signDetachedJws, type KeyStore } from '@app/signing';
import { REVOCATION_JWS_TYPE } from '@refresh-token-service/revocation-events';
import type { RevocationSigner } from './to-kafka-message';

/**
 * Signs revocation messages with the service's current RS256 key, the one
 * algorithm every key set of the service has (a provided SIGNING_KEYS must
 * hold one) and every JOSE library verifies; its `kid` is in the JWKS the
 * service publishes, so downstream services need no other key.
 */
export function keyStoreSigner(keyStore: KeyStore): RevocationSigner {
  return (payload) => signDetachedJws({ keyStore, alg: 'RS256', typ: REVOCATION_JWS_TYPE, payload });
}
