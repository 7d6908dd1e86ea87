import { readInBatches, type EventStore } from '@app/event-store';
import { CompactRange, leafHash, MemoryNodeStore, openCheckpoint, rootAt, type NoteVerifier } from '@app/transparency-log';
import { leafDataOf } from './leaf';

/** One signed checkpoint compared with the tree rebuilt from the log. */
export interface CheckpointComparison {
  size: number;
  /** The rebuilt tree has that many leaves and the same root there. */
  matches: boolean;
  note: string;
}

/**
 * `audit verify`'s added step: rebuilds the tree from the log (every event,
 * log order, in memory) and compares its root at each checkpoint's size with
 * the signed root. A deleted, edited or reordered event below a checkpoint,
 * or a truncated tail, makes that checkpoint (and every later one) differ.
 */
export async function compareWithRebuiltTree(
  store: EventStore,
  notes: readonly string[],
  verifiers: readonly NoteVerifier[],
): Promise<{ size: number; comparisons: CheckpointComparison[] }> {
  const nodes = new MemoryNodeStore();
  const range = CompactRange.empty();
  for await (const batch of readInBatches(store, { streamPrefixes: [], batchSize: 2000 })) {
    for (const event of batch) nodes.put(range.append(leafHash(leafDataOf(event))));
  }
  const comparisons = notes.map((note) => {
    const checkpoint = openCheckpoint(note, verifiers);
    const matches = checkpoint.size <= range.size && rootAt(nodes, checkpoint.size).equals(checkpoint.root);
    return { size: checkpoint.size, matches, note };
  });
  return { size: range.size, comparisons };
}
