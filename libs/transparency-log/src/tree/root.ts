import { EMPTY_ROOT } from './hashing';
import { rangeHash, type NodeReader } from './node-reader';
import { OutOfRangeError } from '../errors';
import { isTreeNumber } from './tree-shape';

/** RFC 9162 §2.1.1: the root hash of the first `size` leaves, from stored nodes in O(log n) reads. */
export function rootAt(reader: NodeReader, size: number): Buffer {
  if (!isTreeNumber(size)) throw new OutOfRangeError(`tree size ${String(size)} is not a non-negative integer`);
  return size === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash(reader, 0, size);
}
