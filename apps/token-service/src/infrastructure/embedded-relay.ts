import type { Logger } from 'pino';
import type { EventStore } from '@app/event-store';
import { wireRevocationRelay, keyStoreSigner, type RevocationRelayHandle } from '@app/revocation-relay';
import type { KeyStore } from '@app/signing';
import { acquireProcessLock } from '@app/process';
import type { IdGenerator } from '@app/shared';
import type { AppConfig } from '@app/config';

/**
 * The embedded default runs the revocation relay in the token-service process
 * (architecture.md); scaled deployments run apps/revocation-relay instead and
 * set EMBEDDED_RELAY=false. Without KAFKA_BROKERS the relay holds its
 * checkpoint and publishes what it missed once a broker is configured.
 */
export function startEmbeddedRelay(config: AppConfig, store: EventStore, keys: KeyStore, logger: Logger, ids: IdGenerator): RevocationRelayHandle | undefined {
  if (!config.embeddedRelay) return undefined;
  // The same lock as a standalone relay: two relays on one checkpoint would both publish.
  const lock = acquireProcessLock(config.dataDir, 'revocation-relay');
  // Each message is signed with the keys this process publishes in its JWKS.
  const handle = wireRevocationRelay({ ...config, store, ids, signer: keyStoreSigner(keys), logger: logger.child({ component: 'revocation-relay' }) });
  void handle.relay.start();
  return {
    relay: handle.relay,
    async close() {
      try {
        await handle.close();
      } finally {
        lock.release();
      }
    },
  };
}
