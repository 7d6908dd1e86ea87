import { OutOfRangeError } from '../errors';
import type { NodeReader } from './node-reader';
import type { TreeNode } from './compact-range';

/** Nodes in a Map: for tests, the bench and offline rebuilds that need no persistence. */
export class MemoryNodeStore implements NodeReader {
  private readonly levels: Buffer[][] = [];

  put(nodes: readonly TreeNode[]): void {
    for (const { level, index, hash } of nodes) (this.levels[level] ??= [])[index] = hash;
  }

  node(level: number, index: number): Buffer {
    const hash = this.levels[level]?.[index];
    if (!hash) throw new OutOfRangeError(`no complete node at level ${level}, index ${index}`);
    return hash;
  }
}
