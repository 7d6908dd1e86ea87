import { InvalidSignatureError, MalformedNoteError } from '../errors';
import { ALG_COSIGNATURE_V1, verifyEd25519, type NoteSigner, type NoteVerifier } from './keys';
import { parseNote, type NoteSignature } from './signed-note';

/** C2SP tlog-cosignature/v1: what an Ed25519 cosigner signs, the note text after a header and a timestamp line. */
export function cosignedMessage(text: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');
}

/** A cosignature line over a checkpoint's text: key id ‖ u64 big-endian timestamp ‖ Ed25519 signature. */
export function cosignatureLine(text: string, signer: NoteSigner, timestamp: number): NoteSignature {
  if (signer.type !== ALG_COSIGNATURE_V1) throw new MalformedNoteError('a cosignature is made with a cosignature/v1 key (type 0x04)');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new MalformedNoteError('a cosignature timestamp is a POSIX time in seconds');
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  return { name: signer.name, keyId: signer.keyId, signature: Buffer.concat([time, signer.sign(cosignedMessage(text, timestamp))]) };
}

export interface VerifiedCosignature {
  cosigner: NoteVerifier;
  /** POSIX seconds, as the cosigner stated. */
  timestamp: number;
}

/**
 * The cosignatures of `message` by the given cosigner keys (type 0x04);
 * lines of other keys are ignored, an invalid one by a known key is an error.
 */
export function verifyCosignatures(message: string, cosigners: readonly NoteVerifier[]): VerifiedCosignature[] {
  const note = parseNote(message);
  const verified: VerifiedCosignature[] = [];
  for (const sig of note.signatures) {
    const cosigner = cosigners.find((v) => v.type === ALG_COSIGNATURE_V1 && v.name === sig.name && v.keyId === sig.keyId);
    if (!cosigner) continue;
    const timestamp = sig.signature.length === 72 ? sig.signature.readBigUInt64BE(0) : undefined;
    if (timestamp === undefined || timestamp > BigInt(Number.MAX_SAFE_INTEGER) || !verifyEd25519(cosigner.publicKey, cosignedMessage(note.text, Number(timestamp)), sig.signature.subarray(8))) {
      throw new InvalidSignatureError(`invalid cosignature for key ${sig.name}+${sig.keyId.toString(16).padStart(8, '0')}`);
    }
    verified.push({ cosigner, timestamp: Number(timestamp) });
  }
  return verified;
}
