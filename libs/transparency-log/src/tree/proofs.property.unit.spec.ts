// Property: for random tree sizes, every inclusion and consistency proof the
// tree gives verifies against its roots, and every altered one (a flipped
// bit, a dropped or extra hash, another leaf's index, a forged old root) fails.
// (The size is not in the hashes: a signed checkpoint binds it to the root.)
import { randomBytes } from 'node:crypto';
import { CompactRange } from './compact-range';
import { consistencyProof } from './consistency-proof';
import { leafHash, nodeHash } from './hashing';
import { inclusionProof } from './inclusion-proof';
import { MemoryNodeStore } from './memory-node-store';
import { rootAt } from './root';
import { splitPoint } from './tree-shape';
import { verifyConsistency } from './verify-consistency';
import { verifyInclusion } from './verify-inclusion';

/** RFC 9162 §2.1.1 MTH over an array, straight from the definition: the reference. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function randomTree(size: number): { store: MemoryNodeStore; leaves: Buffer[] } {
  const store = new MemoryNodeStore();
  const range = CompactRange.empty();
  const leaves: Buffer[] = [];
  for (let i = 0; i < size; i++) {
    const leaf = leafHash(randomBytes(8));
    leaves.push(leaf);
    store.put(range.append(leaf));
  }
  return { store, leaves };
}

function flipBit(hashes: Buffer[], at: number): Buffer[] {
  return hashes.map((hash, i) => {
    if (i !== at) return hash;
    const copy = Buffer.from(hash);
    copy[at % 32] ^= 1 << at % 8;
    return copy;
  });
}

const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, ...Array.from({ length: 8 }, () => 2 + Math.floor(Math.random() * 300))];

describe.each(sizes)('a tree of %i leaves', (size) => {
  const { store, leaves } = randomTree(size);
  const roots = Array.from({ length: size + 1 }, (_, n) => rootAt(store, n));

  it('has the reference root at every size', () => {
    for (let n = 1; n <= size; n++) expect(roots[n].equals(referenceRoot(leaves.slice(0, n)))).toBe(true);
  });

  it('proves every leaf, and refuses every altered inclusion proof', () => {
    for (let i = 0; i < size; i++) {
      const proof = inclusionProof(store, i, size);
      expect(() => verifyInclusion(i, size, leaves[i], proof, roots[size])).not.toThrow();
      for (let at = 0; at < proof.length; at++) expect(() => verifyInclusion(i, size, leaves[i], flipBit(proof, at), roots[size])).toThrow();
      if (proof.length > 0) expect(() => verifyInclusion(i, size, leaves[i], proof.slice(1), roots[size])).toThrow();
      expect(() => verifyInclusion(i, size, leaves[i], [...proof, leaves[0]], roots[size])).toThrow();
      if (size > 1) expect(() => verifyInclusion((i + 1) % size, size, leaves[i], proof, roots[size])).toThrow();
    }
  });

  it('proves every earlier size consistent, and refuses every altered consistency proof', () => {
    for (let m = 1; m <= size; m++) {
      const proof = consistencyProof(store, m, size);
      expect(() => verifyConsistency(m, size, proof, roots[m], roots[size])).not.toThrow();
      for (let at = 0; at < proof.length; at++) expect(() => verifyConsistency(m, size, flipBit(proof, at), roots[m], roots[size])).toThrow();
      if (proof.length > 0) expect(() => verifyConsistency(m, size, proof.slice(0, -1), roots[m], roots[size])).toThrow();
      if (m < size) {
        expect(() => verifyConsistency(m, size, [...proof, leaves[0]], roots[m], roots[size])).toThrow();
        // A rewritten history: the old root of another tree of the same size.
        expect(() => verifyConsistency(m, size, proof, leafHash(Buffer.from('forged')), roots[size])).toThrow();
      }
    }
  });

  it('restores the same edge from its stored nodes and keeps appending', () => {
    const restored = CompactRange.restore(store, size);
    expect(restored.root().equals(roots[size])).toBe(true);
    const extra = leafHash(Buffer.from('next'));
    restored.append(extra);
    expect(restored.root().equals(referenceRoot([...leaves, extra]))).toBe(true);
  });
});
