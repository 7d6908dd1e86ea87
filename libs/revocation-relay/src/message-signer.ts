import { signDetachedJws, type AsymmetricAlg, type KeyStore } from '@app/signing';
import { REVOCATION_JWS_TYPE } from '@refresh-token-service/revocation-events';
import type { RevocationSigner } from './to-kafka-message';

/**
 * Signs revocation messages with the service's current ES256 key when it has
 * one (the generated key set always does), else its RS256 key (the one
 * algorithm a provided SIGNING_KEYS must hold). ES256 signs several times
 * faster than RS256, which matters when a bulk revocation signs thousands
 * of messages in the token-service process; both are verified by every JOSE
 * library. The `kid` is in the JWKS the service publishes, so downstream
 * services need no other key.
 */
export function keyStoreSigner(keyStore: KeyStore): RevocationSigner {
  return (payload) => signDetachedJws({ keyStore, alg: messageSigningAlg(keyStore), typ: REVOCATION_JWS_TYPE, payload });
}

function messageSigningAlg(keyStore: KeyStore): AsymmetricAlg {
  return keyStore.algorithms().includes('ES256') ? 'ES256' : 'RS256';
}
