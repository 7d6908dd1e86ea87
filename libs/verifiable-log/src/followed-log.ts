import { CheckpointedConsumer, type EventStore } from '@app/event-store';
import { openCheckpoint, rootAt, type NoteVerifier } from '@app/transparency-log';
import { messageOf, silentLogger, type Logger } from '@app/shared';
import type { CheckpointSource, ServedLog, ServedLogState } from './served-log';
import { treeHandler } from './tree-handler';
import { TreeStore } from './tree-store';

export interface FollowedLogConfig {
  store: EventStore;
  /** This process's own copy of the tree (it needs no key). */
  treeFile: string;
  /** The signer's verifier keys, current first: a checkpoint that verifies with none is ignored. */
  verifiers: readonly NoteVerifier[];
  onInconsistent?: () => void;
  /** Stops what feeds `offer` (the topic reader, the file poll). */
  onClose?: () => Promise<void>;
  logger?: Logger;
  batchSize?: number;
}

interface Checkpoint {
  size: number;
  root: Buffer;
  note: string;
}

/**
 * The verifiable log of a replica that does not hold the checkpoint key (the
 * relay signs): its own tree, built from the log, and the checkpoints the
 * signer published, each served only once this tree has reached its size and
 * has the same root there, so every proof it answers verifies against it. A
 * signed root that this tree does not have is a rewrite: `log_inconsistent`.
 */
export class FollowedLog implements ServedLog, CheckpointSource {
  readonly tree: TreeStore;
  readonly verifiers: readonly NoteVerifier[];
  private readonly consumer: CheckpointedConsumer;
  private readonly logger: Logger;
  private state: ServedLogState = 'following';
  private served: Checkpoint | undefined;
  private pending: Checkpoint | undefined;

  constructor(private readonly config: FollowedLogConfig) {
    if (config.verifiers.length === 0) throw new Error('a followed verifiable log needs the signer’s verifier key');
    this.verifiers = config.verifiers;
    this.logger = config.logger ?? silentLogger;
    this.tree = new TreeStore(config.treeFile);
    this.consumer = new CheckpointedConsumer(config.store, treeHandler(this.tree, () => this.promote()), { logger: this.logger, batchSize: config.batchSize ?? 2000 });
  }

  get checkpoints(): CheckpointSource {
    return this;
  }

  get verifierKey(): string {
    return this.verifiers[0].verifierKey;
  }

  get status(): { state: ServedLogState; size: number | undefined } {
    return { state: this.state, size: this.served?.size };
  }

  latest(): string | undefined {
    return this.served?.note;
  }

  get caughtUp(): Promise<void> {
    return this.consumer.caughtUp;
  }

  start(): void {
    this.consumer.start();
  }

  /** A checkpoint the signer published (Kafka, the file): kept if it verifies and is newer than the one served. */
  offer(note: string): void {
    let checkpoint: Checkpoint;
    try {
      const opened = openCheckpoint(note, this.verifiers);
      checkpoint = { size: opened.size, root: opened.root, note };
    } catch (error) {
      this.logger.warn({ error: messageOf(error) }, 'verifiable log: ignored a checkpoint that does not verify with the signer’s key');
      return;
    }
    if (checkpoint.size <= Math.max(this.served?.size ?? -1, this.pending?.size ?? -1)) return;
    this.pending = checkpoint;
    this.promote();
  }

  async stop(): Promise<void> {
    await this.config.onClose?.().catch(() => undefined);
    await this.consumer.stop();
    this.tree.close();
  }

  private promote(): void {
    const pending = this.pending;
    if (this.state === 'log_inconsistent' || !pending || this.tree.size < pending.size) return;
    this.pending = undefined;
    if (pending.size > 0 && !rootAt(this.tree, pending.size).equals(pending.root)) {
      this.state = 'log_inconsistent';
      this.logger.error({ signedSize: pending.size, treeSize: this.tree.size }, 'verifiable log: log_inconsistent, this replica’s log does not have the signed root');
      this.config.onInconsistent?.();
      return;
    }
    this.served = pending;
  }
}
