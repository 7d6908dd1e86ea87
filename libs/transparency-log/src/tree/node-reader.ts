import { nodeHash } from './hashing';
import { isPowerOfTwo, splitPoint } from './tree-shape';

/**
 * Where proofs read the tree from: the hash of every complete subtree, by
 * (level, index) as in C2SP tlog-tiles: level 0 holds the leaf hashes, and
 * node (l, i) is the root of leaves [i·2^l, (i+1)·2^l). A store keeps exactly
 * the nodes `CompactRange.append` emits, so no rebuild is ever needed.
 */
export interface NodeReader {
  /** The stored hash; throws if the node is not complete (not stored). */
  node(level: number, index: number): Buffer;
}

/**
 * MTH(D[start:end]) from stored nodes: one read when the range is a complete
 * aligned subtree, else split at RFC 9162's `k` (the left part is then
 * complete), so a range of the proofs below costs O(log n) reads.
 */
export function rangeHash(reader: NodeReader, start: number, end: number): Buffer {
  const n = end - start;
  if (isPowerOfTwo(n) && start % n === 0) return reader.node(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(reader, start, start + k), rangeHash(reader, start + k, end));
}
