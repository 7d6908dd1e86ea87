import { InvalidProofError } from '../errors';
import { HASH_SIZE, nodeHash } from './hashing';
import { isPowerOfTwo, isTreeNumber } from './tree-shape';

const MAX_PROOF_LENGTH = 64;

/**
 * RFC 9162 §2.1.4.2: throws InvalidProofError unless `proof` shows that the
 * tree of `second` leaves with `secondRoot` extends the tree of `first`
 * leaves with `firstRoot` (an append-only history: no leaf rewritten,
 * dropped or reordered). Equal sizes need an empty proof and equal roots; a
 * proof from the empty tree proves nothing and is refused (as the
 * transparency-dev verifier does).
 */
export function verifyConsistency(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): void {
  if (!isTreeNumber(first) || !isTreeNumber(second) || first > second) throw new InvalidProofError(`size ${first} cannot precede size ${second}`);
  if (first === 0) throw new InvalidProofError('a consistency proof from the empty tree is meaningless');
  if (first === second) {
    if (proof.length > 0) throw new InvalidProofError('equal sizes need an empty proof');
    if (!Buffer.from(firstRoot).equals(secondRoot)) throw new InvalidProofError('equal sizes with different roots');
    return;
  }
  if (firstRoot.length !== HASH_SIZE || secondRoot.length !== HASH_SIZE || proof.some((hash) => hash.length !== HASH_SIZE)) {
    throw new InvalidProofError('every hash must be 32 bytes');
  }
  if (proof.length === 0) throw new InvalidProofError('empty consistency proof');
  if (proof.length > MAX_PROOF_LENGTH) throw new InvalidProofError('proof too long');
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) {
    if (sn === 0) throw new InvalidProofError('proof too long for the tree sizes');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new InvalidProofError('proof too short for the tree sizes');
  if (!fr.equals(firstRoot)) throw new InvalidProofError('the consistency proof does not lead to the first root');
  if (!sr.equals(secondRoot)) throw new InvalidProofError('the consistency proof does not lead to the second root');
}
