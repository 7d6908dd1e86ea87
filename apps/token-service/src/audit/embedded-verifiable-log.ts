import type { Logger } from 'pino';
import type { EventStore } from '@app/event-store';
import type { AppConfig } from '@app/config';
import { KafkaCheckpointPublisher, logOrigin, VerifiableLog } from '@app/verifiable-log';

/**
 * The verifiable log runs where the embedded relay runs: one process per
 * DATA_DIR (the relay's lock), so one signer at a time. Each checkpoint goes
 * to DATA_DIR/log-checkpoint.txt and, with KAFKA_BROKERS, to the
 * `refresh-token.audit-checkpoints` topic.
 */
export function startEmbeddedVerifiableLog(config: AppConfig, store: EventStore, logger: Logger): VerifiableLog {
  const publisher = config.kafkaBrokers.length > 0 ? new KafkaCheckpointPublisher(config.kafkaBrokers, logOrigin(config.issuer)) : undefined;
  const log = new VerifiableLog({
    store,
    issuer: config.issuer,
    dataDir: config.dataDir,
    signingKey: config.checkpointSigningKey,
    signingKeyFile: config.checkpointSigningKeyFile,
    publish: publisher && ((note) => publisher.publish(note)),
    onClose: publisher && (() => publisher.close()),
    logger: logger.child({ component: 'verifiable-log' }),
  });
  log.start();
  return log;
}
