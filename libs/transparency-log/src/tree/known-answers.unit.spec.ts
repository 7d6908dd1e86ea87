// Known answers from outside: the RFC 6962/9162 test vectors of
// github.com/transparency-dev/merkle (testdata/inclusion/**, testdata/consistency/**,
// testonly/constants.go), copied as data into ../testing/transparency-dev-merkle-vectors.json.
import vectors from '../testing/transparency-dev-merkle-vectors.json';
import { CompactRange } from './compact-range';
import { consistencyProof } from './consistency-proof';
import { leafHash } from './hashing';
import { inclusionProof } from './inclusion-proof';
import { MemoryNodeStore } from './memory-node-store';
import { rootAt } from './root';
import { verifyConsistency } from './verify-consistency';
import { verifyInclusion } from './verify-inclusion';

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
  file: string;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
  file: string;
}

function treeOfVectorLeaves(): MemoryNodeStore {
  const store = new MemoryNodeStore();
  const range = CompactRange.empty();
  for (const input of vectors.leafInputsHex) store.put(range.append(leafHash(Buffer.from(input, 'hex'))));
  return store;
}

describe('RFC 9162 tree against the transparency-dev/merkle vectors', () => {
  it('has the reference root hash for every size 0..8 (testonly/constants.go)', () => {
    const store = treeOfVectorLeaves();
    vectors.rootHashesHex.forEach((root, size) => expect(rootAt(store, size).toString('hex')).toBe(root));
  });

  it('gives the same root incrementally as from the stored nodes', () => {
    const range = CompactRange.empty();
    vectors.leafInputsHex.forEach((input, i) => {
      range.append(leafHash(Buffer.from(input, 'hex')));
      expect(range.root().toString('hex')).toBe(vectors.rootHashesHex[i + 1]);
    });
  });

  const inclusion = vectors.inclusion as InclusionVector[];
  it.each(inclusion.map((v) => [v.file, v] as const))('inclusion %s', (_file, v) => {
    const check = (): void => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    if (v.wantErr) expect(check).toThrow(expect.objectContaining({ code: 'TLOG_PROOF_INVALID' }));
    else expect(check).not.toThrow();
  });

  const consistency = vectors.consistency as ConsistencyVector[];
  it.each(consistency.map((v) => [v.file, v] as const))('consistency %s', (_file, v) => {
    const check = (): void => verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    if (v.wantErr) expect(check).toThrow(expect.objectContaining({ code: 'TLOG_PROOF_INVALID' }));
    else expect(check).not.toThrow();
  });

  it('generates exactly the vectors’ happy-path proofs over the reference leaves', () => {
    const store = treeOfVectorLeaves();
    const rootHex = vectors.rootHashesHex;
    const happyInclusions = inclusion.filter((v) => !v.wantErr && v.root === Buffer.from(rootHex[v.treeSize], 'hex').toString('base64'));
    const happyConsistencies = consistency.filter((v) => !v.wantErr && v.root2 === Buffer.from(rootHex[v.size2], 'hex').toString('base64'));
    expect(happyInclusions.length).toBeGreaterThan(0);
    expect(happyConsistencies.length).toBeGreaterThan(0);
    for (const v of happyInclusions) expect(inclusionProof(store, v.leafIdx, v.treeSize).map((h) => h.toString('base64'))).toEqual(v.proof ?? []);
    for (const v of happyConsistencies) expect(consistencyProof(store, v.size1, v.size2).map((h) => h.toString('base64'))).toEqual(v.proof ?? []);
  });
});
