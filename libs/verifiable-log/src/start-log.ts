import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@app/event-store';
import { parseVerifierKey, type NoteVerifier } from '@app/transparency-log';
import type { Logger } from 'pino';
import { messageOf } from '@app/shared';
import { listedVerifiers } from './checkpoint-key';
import { CheckpointTopicReader } from './checkpoint-topic-reader';
import { FollowedLog } from './followed-log';
import { KafkaCheckpointPublisher } from './kafka-checkpoint-publisher';
import { CHECKPOINT_FILE_NAME, logOrigin, VerifiableLog } from './verifiable-log';

/** The service's settings the verifiable log reads (AppConfig's names). */
export interface LogSettings {
  issuer: string;
  dataDir: string;
  kafkaBrokers: readonly string[];
  checkpointSigningKey?: string;
  checkpointSigningKeyFile?: string;
  /** `CHECKPOINT_VERIFIER_KEYS`: what a replica without the key checks the relay's checkpoints with. */
  checkpointVerifierKeys?: string;
}

/** A replica's own tree; the signer's is `verifiable-log.sqlite` (on SQLite both live in one DATA_DIR). */
export const FOLLOWED_TREE_FILE_NAME = 'verifiable-log-replica.sqlite';

/**
 * The signing log: where the relay runs (embedded, or the standalone relay
 * holding its lease). Each checkpoint goes to DATA_DIR/log-checkpoint.txt
 * and, with KAFKA_BROKERS, to the `refresh-token.audit-checkpoints` topic.
 */
export function startSigningLog(settings: LogSettings, store: EventStore, logger: Logger, maySign?: () => boolean): VerifiableLog {
  const publisher = settings.kafkaBrokers.length > 0 ? new KafkaCheckpointPublisher(settings.kafkaBrokers, logOrigin(settings.issuer)) : undefined;
  const log = new VerifiableLog({
    store,
    issuer: settings.issuer,
    dataDir: settings.dataDir,
    signingKey: settings.checkpointSigningKey,
    signingKeyFile: settings.checkpointSigningKeyFile,
    publish: publisher && ((note) => publisher.publish(note)),
    onClose: publisher && (() => publisher.close()),
    maySign,
    logger: logger.child({ component: 'verifiable-log' }),
  });
  log.start();
  return log;
}

/** CHECKPOINT_VERIFIER_KEYS (separated by newlines, commas or spaces), else the keys the signer listed in a shared DATA_DIR/keys. */
export function followerVerifiers(settings: LogSettings): NoteVerifier[] {
  const given = settings.checkpointVerifierKeys?.split(/[\s,]+/).filter((key) => key.length > 0) ?? [];
  return given.length > 0 ? given.map(parseVerifierKey) : listedVerifiers(join(settings.dataDir, 'keys'));
}

/**
 * A replica's log when the relay signs (EMBEDDED_RELAY=false): it never reads
 * the checkpoint key. Its tree is built from the log; the checkpoints come
 * from the Kafka topic (KAFKA_BROKERS) or, without Kafka, the relay's
 * DATA_DIR/log-checkpoint.txt in a shared DATA_DIR. Undefined (the endpoints
 * answer 503) without a verifier key to check them with.
 */
export function startFollowedLog(settings: LogSettings, store: EventStore, logger: Logger, pollMs = 1000): FollowedLog | undefined {
  const verifiers = followerVerifiers(settings);
  const log = logger.child({ component: 'verifiable-log' });
  if (verifiers.length === 0) {
    log.warn('verifiable log: no CHECKPOINT_VERIFIER_KEYS and no DATA_DIR/keys/checkpoint-verifiers.txt; the audit endpoints answer 503');
    return undefined;
  }
  let stopSource = async (): Promise<void> => undefined;
  const followed = new FollowedLog({ store, treeFile: join(settings.dataDir, FOLLOWED_TREE_FILE_NAME), verifiers, logger: log, onClose: () => stopSource() });
  followed.start();
  if (settings.kafkaBrokers.length > 0) {
    const reader = new CheckpointTopicReader(settings.kafkaBrokers);
    reader.start((note) => followed.offer(note)).catch((error: unknown) => log.error({ error: messageOf(error) }, 'verifiable log: cannot read the checkpoint topic'));
    stopSource = () => reader.stop();
  } else {
    const file = join(settings.dataDir, CHECKPOINT_FILE_NAME);
    const read = (): void => {
      if (existsSync(file)) followed.offer(readFileSync(file, 'utf8'));
    };
    read();
    const timer = setInterval(read, pollMs).unref();
    stopSource = async () => clearInterval(timer);
  }
  return followed;
}
