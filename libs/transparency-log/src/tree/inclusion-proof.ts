import { OutOfRangeError } from '../errors';
import { rangeHash, type NodeReader } from './node-reader';
import { isTreeNumber, splitPoint } from './tree-shape';

/**
 * RFC 9162 §2.1.3.1: PATH(index, D[0:size]), the sibling hashes from the
 * leaf up to the root, read from stored nodes (O(log n) reads, no rebuild).
 */
export function inclusionProof(reader: NodeReader, index: number, size: number): Buffer[] {
  if (!isTreeNumber(index) || !isTreeNumber(size) || index >= size) {
    throw new OutOfRangeError(`leaf index ${String(index)} is not in a tree of size ${String(size)}`);
  }
  // Walk from the root down; the siblings met are the proof from the top, so reversed at the end.
  const topDown: Buffer[] = [];
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      topDown.push(rangeHash(reader, start + k, end));
      end = start + k;
    } else {
      topDown.push(rangeHash(reader, start, start + k));
      start += k;
      m -= k;
    }
  }
  return topDown.reverse();
}
