/**
 * RFC 9162 Merkle tree (hashes, root, inclusion and consistency proofs, from
 * stored complete subtrees in O(log n) reads) and C2SP signed notes and
 * checkpoints, on node:crypto only.
 */
export * from './errors';
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './tree/hashing';
export { rangeHash, type NodeReader } from './tree/node-reader';
export { rootAt } from './tree/root';
export { inclusionProof } from './tree/inclusion-proof';
export { consistencyProof } from './tree/consistency-proof';
export { rootFromInclusionProof, verifyInclusion } from './tree/verify-inclusion';
export { verifyConsistency } from './tree/verify-consistency';
export { CompactRange, type TreeNode } from './tree/compact-range';
export { MemoryNodeStore } from './tree/memory-node-store';
export * from './note/keys';
export * from './note/signed-note';
export * from './note/checkpoint';
export * from './note/check-extension';
export * from './note/inclusion-proof-file';
export * from './note/cosignature';
export * from './witness/add-checkpoint';
