import { EMPTY_ROOT, nodeHash } from './hashing';
import type { NodeReader } from './node-reader';
import { isTreeNumber } from './tree-shape';
import { OutOfRangeError } from '../errors';

/** A complete subtree's hash at (level, index): what a node store keeps. */
export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * The right edge of the tree (the roots of its maximal complete subtrees,
 * one per set bit of the size), enough to append and to compute the root
 * without reading anything else. Each append returns the complete nodes it
 * creates (the leaf, then each parent it completes): on average two per
 * leaf, stored in the order given.
 */
export class CompactRange {
  private constructor(
    private treeSize: number,
    /** Largest subtree first. */
    private readonly edge: Buffer[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** The edge of a stored tree of `size` leaves, from O(log n) node reads. */
  static restore(reader: NodeReader, size: number): CompactRange {
    if (!isTreeNumber(size)) throw new OutOfRangeError(`tree size ${String(size)} is not a non-negative integer`);
    const edge: Buffer[] = [];
    let start = 0;
    for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        edge.push(reader.node(level, start / width));
        start += width;
      }
    }
    return new CompactRange(size, edge);
  }

  get size(): number {
    return this.treeSize;
  }

  /** Appends one leaf hash; returns the nodes completed (level 0 first). */
  append(leaf: Buffer): TreeNode[] {
    let index = this.treeSize;
    let hash = leaf;
    const created: TreeNode[] = [{ level: 0, index, hash }];
    let level = 0;
    while (index % 2 === 1) {
      const left = this.edge.pop();
      if (!left) throw new Error('compact range lost its edge');
      hash = nodeHash(left, hash);
      index = (index - 1) / 2;
      level++;
      created.push({ level, index, hash });
    }
    this.edge.push(hash);
    this.treeSize++;
    return created;
  }

  /** RFC 9162 §2.1.1 root hash of the tree so far. */
  root(): Buffer {
    if (this.edge.length === 0) return Buffer.from(EMPTY_ROOT);
    let root = this.edge[this.edge.length - 1];
    for (let i = this.edge.length - 2; i >= 0; i--) root = nodeHash(this.edge[i], root);
    return root;
  }
}
