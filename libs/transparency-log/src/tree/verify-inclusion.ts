import { InvalidProofError } from '../errors';
import { HASH_SIZE, nodeHash } from './hashing';
import { isTreeNumber } from './tree-shape';

/** Longest path a 2^64-leaf tree can have: a longer proof is refused before any hashing. */
const MAX_PROOF_LENGTH = 64;

/**
 * RFC 9162 §2.1.3.2: the root that `proof` leads to from `leaf` (a leaf
 * hash) at `index` in a tree of `size`. Throws InvalidProofError when the
 * proof cannot be one (wrong length, index beyond size).
 */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer {
  if (!isTreeNumber(index) || !isTreeNumber(size) || index >= size) throw new InvalidProofError(`leaf index ${index} is not below tree size ${size}`);
  if (leaf.length !== HASH_SIZE || proof.some((hash) => hash.length !== HASH_SIZE)) throw new InvalidProofError('every hash must be 32 bytes');
  if (proof.length > MAX_PROOF_LENGTH) throw new InvalidProofError('proof too long');
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) throw new InvalidProofError('proof too long for the tree size');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new InvalidProofError('proof too short for the tree size');
  return r;
}

/** RFC 9162 §2.1.3.2: throws InvalidProofError unless `proof` shows `leaf` at `index` in the tree of `size` with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  if (!computed.equals(root)) throw new InvalidProofError('the inclusion proof does not lead to the root');
}
