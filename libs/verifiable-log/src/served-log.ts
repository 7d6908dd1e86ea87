import type { NoteVerifier } from '@app/transparency-log';
import type { TreeStore } from './tree-store';

/** `signing`: this process signs; `following`: it serves what the signer (the relay) published; `log_inconsistent`: the log no longer extends a signed checkpoint. */
export type ServedLogState = 'signing' | 'following' | 'log_inconsistent';

/** Where the served checkpoints come from: the signer itself, or the checkpoints another process signed. */
export interface CheckpointSource {
  /** The latest signed checkpoint the tree can prove (a signed note), if any. */
  latest(): string | undefined;
  /** The verifier key of the current signing key. */
  readonly verifierKey: string;
  readonly status: { state: ServedLogState; size: number | undefined };
}

/** What the service's endpoints, health and metrics read: a tree over the log and its checkpoints. */
export interface ServedLog {
  readonly tree: TreeStore;
  readonly verifiers: readonly NoteVerifier[];
  readonly checkpoints: CheckpointSource;
  stop(): Promise<void>;
}
