import { renameSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import {
  consistencyProof,
  formatCheckpoint,
  openNote,
  parseCheckpoint,
  signNote,
  verifyConsistency,
  type NoteSigner,
  type NoteVerifier,
} from '@app/transparency-log';
import { PRIVATE_FILE_MODE } from '@app/process';
import type { Logger } from '@app/shared';
import type { TreeStore } from './tree-store';

export type SignerState = 'signing' | 'log_inconsistent';

export interface CheckpointSignerOptions {
  tree: TreeStore;
  signer: NoteSigner;
  /** Every verifier key of this log (old ones too): the last signed checkpoint may predate a rotation. */
  verifiers: readonly NoteVerifier[];
  /** The checkpoint origin (the key's name). */
  origin: string;
  /** The latest signed checkpoint, rewritten atomically (0600): what another team copies, and what the signer extends after a restart. */
  checkpointFile: string;
  /** True once the tree caught up with the log: until then a tree shorter than the last checkpoint is still rebuilding, not truncated. */
  caughtUp: () => boolean;
  /** Each new signed checkpoint (Kafka, …); a failure is logged, the checkpoint stays signed. */
  publish?: (note: string) => Promise<void>;
  /** Called once when signing stops because the log no longer extends the last checkpoint (a metric). */
  onInconsistent?: () => void;
  logger: Logger;
  /** At most one checkpoint per this many ms (default 1000). */
  minIntervalMs?: number;
  /** False while another process holds the signing lease. */
  maySign?: () => boolean;
  now?: () => number;
}

/**
 * Signs a C2SP checkpoint of the tree at most every second while it grows,
 * and only when it extends the last one signed (a consistency proof from the
 * tree's stored nodes, checked as any verifier would). When it does not (a
 * rewritten, truncated or forked log), it stops signing for good, logs an
 * error and reports `log_inconsistent`: the last good checkpoint stays served.
 */
export class CheckpointSigner {
  private state: SignerState = 'signing';
  private lastSignedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private last: { size: number; root: Buffer; note: string } | undefined;
  private readonly minIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CheckpointSignerOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.last = this.loadLast();
  }

  /** The key that signs now. */
  get verifierKey(): string {
    return this.options.signer.verifierKey;
  }

  get status(): { state: SignerState; size: number | undefined } {
    return { state: this.state, size: this.last?.size };
  }

  /** The latest signed checkpoint (a signed note), if any. */
  latest(): string | undefined {
    return this.last?.note;
  }

  /** Called after each batch the tree appended: signs now, or once the interval has passed. */
  request(): void {
    if (this.state !== 'signing' || this.timer) return;
    const wait = this.lastSignedAt + this.minIntervalMs - this.now();
    if (wait <= 0) {
      void this.signNow();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.signNow();
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Signs the tree's current size if it extends the last checkpoint; returns the note, or undefined (nothing new, not yet, or refused). */
  async signNow(): Promise<string | undefined> {
    if (this.state !== 'signing' || this.options.maySign?.() === false) return undefined;
    const { tree } = this.options;
    const size = tree.size;
    const last = this.last;
    if (last && size === last.size && tree.root().equals(last.root)) return undefined;
    if (last && size < last.size) {
      if (!this.options.caughtUp()) return undefined; // still rebuilding up to it
      return this.refuse(`the log has ${size} events, fewer than the ${last.size} of the last signed checkpoint`);
    }
    const root = tree.root();
    if (last && last.size > 0) {
      try {
        verifyConsistency(last.size, size, consistencyProof(tree, last.size, size), last.root, root);
      } catch (error) {
        return this.refuse(`the log no longer extends the last signed checkpoint: ${(error as Error).message}`);
      }
    }
    const note = signNote(formatCheckpoint({ origin: this.options.origin, size, root }), [this.options.signer]);
    this.lastSignedAt = this.now();
    tree.saveCheckpoint(size, note, new Date(this.lastSignedAt));
    const tmp = `${this.options.checkpointFile}.tmp`;
    writeFileSync(tmp, note, { mode: PRIVATE_FILE_MODE });
    renameSync(tmp, this.options.checkpointFile);
    this.last = { size, root, note };
    await this.options.publish?.(note).catch((error: unknown) => {
      this.options.logger.warn({ size, error: String(error) }, 'verifiable log: publishing a checkpoint failed; it stays signed and served');
    });
    return note;
  }

  private refuse(reason: string): undefined {
    this.state = 'log_inconsistent';
    this.stop();
    this.options.logger.error({ lastSignedSize: this.last?.size, treeSize: this.options.tree.size, reason }, 'verifiable log: log_inconsistent, checkpoint signing stopped');
    this.options.onInconsistent?.();
    return undefined;
  }

  /** The last checkpoint signed: the file (it outlives the tree's file), else the tree's newest; only if it verifies with our keys. */
  private loadLast(): { size: number; root: Buffer; note: string } | undefined {
    const { checkpointFile, tree, verifiers } = this.options;
    const note = existsSync(checkpointFile) ? readFileSync(checkpointFile, 'utf8') : tree.latestCheckpoint()?.note;
    if (!note) return undefined;
    const checkpoint = parseCheckpoint(openNote(note, verifiers).text);
    return { size: checkpoint.size, root: checkpoint.root, note };
  }
}
