import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '@app/config';
import { keyStoreSigner, type RevocationSigner } from '@app/revocation-relay';
import { systemClock } from '@app/shared';
import { KeyStore } from '@app/signing';

/** The relay's message signer and how to stop its key reloads. */
export interface RelaySigner {
  signer: RevocationSigner;
  close(): void;
}

/**
 * The relay signs each message with the service's keys (product.md, "Signed
 * messages"): SIGNING_KEYS / SIGNING_KEYS_FILE as token-service has them, or
 * DATA_DIR/keys shared with it. Keys on disk are re-read every
 * KEYS_RELOAD_INTERVAL_MS, as token-service does, so a rotation reaches the
 * relay before the old key may be retired.
 */
export async function openRelaySigner(config: AppConfig, dataDir: string, logger: Logger): Promise<RelaySigner> {
  const keys = await KeyStore.open({ dir: join(dataDir, 'keys'), keysJson: config.signingKeys, keysFile: config.signingKeysFile, clock: systemClock });
  if (keys.source === 'directory' && config.eventStore === 'eventstoredb') {
    logger.warn(
      { keys: join(dataDir, 'keys') },
      'the relay signs with the keys in its DATA_DIR: unless token-service shares them, downstream services that verify ce_signature ignore its messages; give it the SIGNING_KEYS (or SIGNING_KEYS_FILE) of token-service',
    );
  }
  const reload =
    keys.source === 'directory'
      ? setInterval(() => keys.reload().catch((err: unknown) => logger.error({ err }, 'reloading signing keys failed')), config.keysReloadIntervalMs).unref()
      : undefined;
  return { signer: keyStoreSigner(keys), close: () => clearInterval(reload) };
}
