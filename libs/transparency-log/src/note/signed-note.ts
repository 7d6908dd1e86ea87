import { InvalidSignatureError, MalformedNoteError, NotSignedError } from '../errors';
import { isKeyName, strictBase64, verifyEd25519, ALG_ED25519, type NoteSigner, type NoteVerifier } from './keys';

/** One signature line: `— <name> <base64(key id ‖ signature)>`. */
export interface NoteSignature {
  name: string;
  keyId: number;
  /** The bytes after the key id (a cosignature's are timestamp ‖ signature). */
  signature: Buffer;
}

export interface Note {
  /** The signed text: UTF-8, ends with a newline, no blank-line split inside. */
  text: string;
  signatures: NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';
/** As Go's sumdb/note: more lines than this is not a note. */
const MAX_SIGNATURES = 100;

function assertText(text: string): void {
  // C2SP signed-note: non-empty, ends with a newline, no control characters but newline.
  // eslint-disable-next-line no-control-regex
  if (!text.endsWith('\n') || text.length < 2 || /[\u0000-\u0009\u000b-\u001f\u007f]/u.test(text) || text.includes('\uFFFD')) {
    throw new MalformedNoteError('malformed note text');
  }
}

/** The signature line of `signer` over `text`. */
export function signatureLine(text: string, signer: NoteSigner): NoteSignature {
  assertText(text);
  if (signer.type !== ALG_ED25519) throw new MalformedNoteError('a note is signed with an Ed25519 key (cosignatures have their own format)');
  return { name: signer.name, keyId: signer.keyId, signature: signer.sign(Buffer.from(text, 'utf8')) };
}

/** Serializes `text`, a blank line, then each signature line. */
export function formatNote(note: Note): string {
  assertText(note.text);
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}

/** `— <name> <base64(key id ‖ signature)>` and a newline. */
export function formatSignatureLine(sig: NoteSignature): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(sig.keyId);
  return `${SIGNATURE_PREFIX}${sig.name} ${Buffer.concat([id, sig.signature]).toString('base64')}\n`;
}

/** Signs `text` with each signer: a complete signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  return formatNote({ text, signatures: signers.map((signer) => signatureLine(text, signer)) });
}

/** Splits a signed note into its text and signature lines, checking only the syntax. */
export function parseNote(message: string): Note {
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNoteError('a signed note has a blank line before its signatures');
  const text = message.slice(0, split + 1);
  assertText(text);
  const block = message.slice(split + 2);
  if (!block.endsWith('\n')) throw new MalformedNoteError('the last signature line must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new MalformedNoteError('too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new MalformedNoteError('a signature line starts with an em dash and a space');
    const fields = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const bytes = fields.length === 2 ? strictBase64(fields[1]) : undefined;
    if (!bytes || bytes.length < 5 || !isKeyName(fields[0])) throw new MalformedNoteError('malformed signature line');
    return { name: fields[0], keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

/** A note whose signatures by known keys all verified. */
export interface VerifiedNote extends Note {
  /** The known keys that signed it. */
  verifiedBy: NoteVerifier[];
}

/**
 * C2SP signed-note verification: parses `message`, checks every signature
 * line whose (name, key id) is one of `verifiers` (an invalid one is an
 * error, not a skip), ignores lines of unknown keys, and requires at least
 * one verified signature. Cosignature keys are checked by `verifyCosignatures`.
 */
export function openNote(message: string, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const note = parseNote(message);
  const text = Buffer.from(note.text, 'utf8');
  const verifiedBy: NoteVerifier[] = [];
  for (const sig of note.signatures) {
    const verifier = verifiers.find((v) => v.type === ALG_ED25519 && v.name === sig.name && v.keyId === sig.keyId);
    if (!verifier) continue;
    if (!verifyEd25519(verifier.publicKey, text, sig.signature)) throw new InvalidSignatureError(`invalid signature for key ${sig.name}+${sig.keyId.toString(16).padStart(8, '0')}`);
    if (!verifiedBy.includes(verifier)) verifiedBy.push(verifier);
  }
  if (verifiedBy.length === 0) throw new NotSignedError('the note has no signature by a known key');
  return { ...note, verifiedBy };
}
