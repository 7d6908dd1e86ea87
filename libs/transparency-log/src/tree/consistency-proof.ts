import { OutOfRangeError } from '../errors';
import { rangeHash, type NodeReader } from './node-reader';
import { isTreeNumber, splitPoint } from './tree-shape';

/**
 * RFC 9162 §2.1.4.1: PROOF(first, D[0:second]) = SUBPROOF(first, D[0:second], true),
 * read from stored nodes. `first = second` (and `first = 0`) give an empty proof.
 */
export function consistencyProof(reader: NodeReader, first: number, second: number): Buffer[] {
  if (!isTreeNumber(first) || !isTreeNumber(second) || first > second) {
    throw new OutOfRangeError(`no consistency proof from size ${String(first)} to size ${String(second)}`);
  }
  if (first === 0 || first === second) return [];
  const topDown: Buffer[] = [];
  let start = 0;
  let end = second;
  let m = first;
  let complete = true; // SUBPROOF's `b`: the subtree is the old tree's root itself.
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      topDown.push(rangeHash(reader, start + k, end));
      end = start + k;
    } else {
      topDown.push(rangeHash(reader, start, start + k));
      start += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) topDown.push(rangeHash(reader, start, end));
  return topDown.reverse();
}
