import { MalformedNoteError } from '../errors';
import { leafHash } from '../tree/hashing';
import { verifyInclusion } from '../tree/verify-inclusion';
import { openCheckpoint, type VerifiedCheckpoint } from './check-extension';
import { strictBase64, type NoteVerifier } from './keys';

const HEADER = 'c2sp.org/tlog-proof@v1';

/** An offline proof that one leaf is in a signed checkpoint (C2SP tlog-proof, with the leaf in its `extra` line). */
export interface InclusionProofFile {
  leafData: Buffer;
  index: number;
  hashes: Buffer[];
  /** The signed checkpoint the proof leads to. */
  checkpoint: string;
}

/** `c2sp.org/tlog-proof@v1`, `extra <base64 leaf>`, `index <n>`, one base64 hash per line, a blank line, the signed checkpoint. */
export function formatInclusionProofFile(proof: InclusionProofFile): string {
  const hashes = proof.hashes.map((hash) => `${hash.toString('base64')}\n`).join('');
  return `${HEADER}\nextra ${proof.leafData.toString('base64')}\nindex ${proof.index}\n${hashes}\n${proof.checkpoint}`;
}

export function parseInclusionProofFile(text: string): InclusionProofFile {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new MalformedNoteError('a proof file has a blank line before its checkpoint');
  const [header, extra, index, ...hashes] = text.slice(0, split).split('\n');
  const leafData = extra?.startsWith('extra ') ? strictBase64(extra.slice(6)) : undefined;
  const decoded = hashes.map(strictBase64);
  if (header !== HEADER || !leafData || !/^index (0|[1-9][0-9]*)$/.test(index ?? '') || decoded.some((h) => !h)) {
    throw new MalformedNoteError(`not a ${HEADER} proof with the leaf in its extra line`);
  }
  return { leafData, index: Number(index.slice(6)), hashes: decoded as Buffer[], checkpoint: text.slice(split + 2) };
}

/** Verifies a proof file with nothing but the verifier keys: the checkpoint's signature, then the leaf's inclusion under its root. */
export function verifyInclusionProofFile(text: string, verifiers: readonly NoteVerifier[]): { proof: InclusionProofFile; checkpoint: VerifiedCheckpoint } {
  const proof = parseInclusionProofFile(text);
  const checkpoint = openCheckpoint(proof.checkpoint, verifiers);
  verifyInclusion(proof.index, checkpoint.size, leafHash(proof.leafData), proof.hashes, checkpoint.root);
  return { proof, checkpoint };
}
