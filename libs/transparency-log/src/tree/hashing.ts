import { createHash } from 'node:crypto';

/** SHA-256 output size: every hash of the tree is this long. */
export const HASH_SIZE = 32;

/** RFC 9162 §2.1.1: the hash of an empty tree is SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** RFC 9162 §2.1.1: `SHA-256(0x00 ‖ data)`. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** RFC 9162 §2.1.1: `SHA-256(0x01 ‖ left ‖ right)`. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}
