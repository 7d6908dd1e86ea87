import { InvalidProofError, TransparencyLogError } from '../errors';
import { parseCheckpoint, type Checkpoint } from '../note/checkpoint';
import { cosignatureLine } from '../note/cosignature';
import { strictBase64, type NoteSigner, type NoteVerifier } from '../note/keys';
import { formatSignatureLine, openNote, parseNote } from '../note/signed-note';
import { verifyConsistency } from '../tree/verify-consistency';

/** The witness's memory: the latest checkpoint it cosigned, per log origin. Read and written with nothing awaited in between. */
export interface WitnessState {
  latest(origin: string): string | undefined;
  save(origin: string, note: string): void;
}

export interface WitnessOptions {
  /** The log keys it trusts; a key's name is its log's origin. */
  logs: readonly NoteVerifier[];
  /** Its cosignature/v1 key (type 0x04). */
  cosigner: NoteSigner;
  state: WitnessState;
  /** POSIX seconds. */
  now?: () => number;
}

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
}

const MAX_PROOF_LINES = 63;
const TEXT = 'text/plain; charset=utf-8';
const answer = (status: WitnessAnswer['status'], body: string, contentType = TEXT): WitnessAnswer => ({ status, contentType, body });

/**
 * C2SP tlog-witness `add-checkpoint`: cosigns a checkpoint of a known log only
 * when it extends, by a valid consistency proof, the last one this witness
 * cosigned for that origin; 409 with that size when the client's old size is
 * not it, or when a checkpoint of the same size has another root (a fork).
 */
export function addCheckpoint(body: string, options: WitnessOptions): WitnessAnswer {
  const request = parseRequest(body);
  if (typeof request === 'string') return answer(400, `${request}\n`);
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(parseNote(request.note).text);
  } catch (error) {
    return answer(400, `${(error as Error).message}\n`);
  }
  const keys = options.logs.filter((key) => key.name === checkpoint.origin);
  if (keys.length === 0) return answer(404, `unknown log ${checkpoint.origin}\n`);
  try {
    openNote(request.note, keys);
  } catch (error) {
    if (error instanceof TransparencyLogError) return answer(403, `the checkpoint is not signed by a key of ${checkpoint.origin}\n`);
    throw error;
  }
  if (request.old > checkpoint.size) return answer(400, 'old is above the checkpoint size\n');
  const heldNote = options.state.latest(checkpoint.origin);
  const held = heldNote === undefined ? undefined : parseCheckpoint(parseNote(heldNote).text);
  const heldSize = held?.size ?? 0;
  const conflict = answer(409, `${heldSize}\n`, 'text/x.tlog.size');
  if (request.old !== heldSize) return conflict;
  if (request.old === 0 && request.proof.length > 0) return answer(400, 'the proof from size 0 is empty\n');
  if (held && held.size === checkpoint.size && !held.root.equals(checkpoint.root)) return conflict;
  if (held && held.size > 0 && held.size < checkpoint.size) {
    try {
      verifyConsistency(held.size, checkpoint.size, request.proof, held.root, checkpoint.root);
    } catch (error) {
      if (error instanceof InvalidProofError) return answer(422, `the checkpoint does not extend the cosigned size ${held.size}: ${error.message}\n`);
      throw error;
    }
  }
  const text = parseNote(request.note).text;
  options.state.save(checkpoint.origin, request.note);
  const now = options.now?.() ?? Math.floor(Date.now() / 1000);
  return answer(200, formatSignatureLine(cosignatureLine(text, options.cosigner, now)));
}

/** `old N`, base64 proof lines, a blank line, the signed checkpoint; a string says what is malformed. */
function parseRequest(body: string): { old: number; proof: Buffer[]; note: string } | string {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return 'the request is an old size line, proof lines, a blank line and the checkpoint';
  const lines = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]{0,15})$/.exec(lines[0]);
  if (!old) return 'the first line is "old <size>"';
  const proofLines = lines.slice(1);
  if (proofLines.length > MAX_PROOF_LINES) return `at most ${MAX_PROOF_LINES} proof lines`;
  const proof = proofLines.map((line) => strictBase64(line));
  if (proof.some((hash) => hash === undefined || hash.length !== 32)) return 'a proof line is one base64 SHA-256 hash';
  return { old: Number(old[1]), proof: proof as Buffer[], note: body.slice(blank + 2) };
}
