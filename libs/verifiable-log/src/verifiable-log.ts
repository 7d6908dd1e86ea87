import { join } from 'node:path';
import { CheckpointedConsumer, type EventStore } from '@app/event-store';
import { silentLogger, type Logger } from '@app/shared';
import type { NoteVerifier } from '@app/transparency-log';
import { loadCheckpointSigner } from './checkpoint-key';
import { CheckpointSigner } from './checkpoint-signer';
import { treeHandler } from './tree-handler';
import { TreeStore } from './tree-store';
import type { CheckpointSource, ServedLog } from './served-log';

export const TREE_FILE_NAME = 'verifiable-log.sqlite';
export const CHECKPOINT_FILE_NAME = 'log-checkpoint.txt';

/** The C2SP origin (and key name) of this service's log: the issuer's host and path, without scheme. */
export function logOrigin(issuer: string): string {
  const url = new URL(issuer);
  return `${url.host}${url.pathname.replace(/\/$/, '')}/log`;
}

export interface VerifiableLogConfig {
  store: EventStore;
  /** `ISSUER`: names the log's origin. */
  issuer: string;
  dataDir: string;
  /** Default `DATA_DIR/verifiable-log.sqlite`. */
  treeFile?: string;
  /** Default `DATA_DIR/log-checkpoint.txt`. */
  checkpointFile?: string;
  /** `CHECKPOINT_SIGNING_KEY` / `_FILE`; default a key generated in `DATA_DIR/keys`. */
  signingKey?: string;
  signingKeyFile?: string;
  publish?: (note: string) => Promise<void>;
  /** After the consumer stopped (e.g. disconnect the publisher). */
  onClose?: () => Promise<void>;
  onInconsistent?: () => void;
  /** False while another process signs (a relay standing by without the lease): this one keeps its tree but signs nothing. */
  maySign?: () => boolean;
  logger?: Logger;
  minIntervalMs?: number;
  batchSize?: number;
}

/**
 * The verifiable log of one process: the tree fed by the checkpointed
 * consumer, and the signer of its checkpoints. Run by one process at a time
 * (the one holding DATA_DIR, or the relay holding its lease).
 */
export class VerifiableLog implements ServedLog {
  readonly tree: TreeStore;
  readonly signer: CheckpointSigner;
  readonly verifiers: readonly NoteVerifier[];
  readonly origin: string;
  private readonly consumer: CheckpointedConsumer;
  private readonly onClose: (() => Promise<void>) | undefined;

  constructor(config: VerifiableLogConfig) {
    this.onClose = config.onClose;
    this.origin = logOrigin(config.issuer);
    const logger = config.logger ?? silentLogger;
    this.tree = new TreeStore(config.treeFile ?? join(config.dataDir, TREE_FILE_NAME));
    const { signer, verifiers } = loadCheckpointSigner({
      name: this.origin,
      key: config.signingKey,
      keyFile: config.signingKeyFile,
      keysDir: join(config.dataDir, 'keys'),
    });
    this.verifiers = verifiers;
    this.signer = new CheckpointSigner({
      tree: this.tree,
      signer,
      verifiers,
      origin: this.origin,
      checkpointFile: config.checkpointFile ?? join(config.dataDir, CHECKPOINT_FILE_NAME),
      caughtUp: () => this.consumer.status().caughtUp,
      publish: config.publish,
      onInconsistent: config.onInconsistent,
      logger,
      minIntervalMs: config.minIntervalMs,
      maySign: config.maySign,
    });
    this.consumer = new CheckpointedConsumer(config.store, treeHandler(this.tree, () => this.signer.request()), { logger, batchSize: config.batchSize ?? 2000 });
  }

  get checkpoints(): CheckpointSource {
    return this.signer;
  }

  get caughtUp(): Promise<void> {
    return this.consumer.caughtUp;
  }

  start(): void {
    this.consumer.start();
    // A log already caught up at start (no new event) still gets its checkpoint.
    void this.consumer.caughtUp.then(() => this.signer.request(), () => undefined);
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    this.signer.stop();
    await this.onClose?.().catch(() => undefined);
    this.tree.close();
  }
}
