import type { Logger } from 'pino';
import type { EventStore } from '@app/event-store';
import type { AppConfig } from '@app/config';
import { startFollowedLog, startSigningLog, type ServedLog } from '@app/verifiable-log';

/**
 * The verifiable log signs where the relay runs: beside the embedded relay
 * (one process per DATA_DIR, so one signer), or in the standalone relay. A
 * replica without the relay (EMBEDDED_RELAY=false) never reads the checkpoint
 * key: it builds its own tree and serves the relay's checkpoints.
 */
export function startServedLog(config: AppConfig, store: EventStore, logger: Logger, embeddedRelay: boolean): ServedLog | undefined {
  return embeddedRelay ? startSigningLog(config, store, logger) : startFollowedLog(config, store, logger);
}
