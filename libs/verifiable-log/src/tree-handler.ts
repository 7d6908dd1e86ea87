import type { CheckpointedHandler, RecordedEvent } from '@app/event-store';
import type { TreeStore } from './tree-store';

/**
 * The tree as one more handler of the checkpointed consumer: every event of
 * the log (all streams, in log order) is appended as a leaf, and the
 * consumer's checkpoint is committed with the nodes. `afterAppend` asks for
 * a checkpoint signature.
 */
export function treeHandler(tree: TreeStore, afterAppend?: () => void): CheckpointedHandler {
  return {
    name: 'verifiable-log',
    streamPrefixes: [],
    loadCheckpoint: () => tree.position,
    handle(events: readonly RecordedEvent[]): number {
      if (events.length === 0) return tree.position;
      const position = tree.append(events, events[events.length - 1].position);
      afterAppend?.();
      return position;
    },
  };
}
