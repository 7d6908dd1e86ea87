import { MalformedCheckpointError } from '../errors';
import { HASH_SIZE } from '../tree/hashing';
import { strictBase64 } from './keys';

/** C2SP tlog-checkpoint: the note text a log signs. */
export interface Checkpoint {
  /** Names the log (a schema-less URL, e.g. `refresh-token.example.com/log`). */
  origin: string;
  size: number;
  root: Buffer;
  /** Optional extension lines, kept as given. */
  extensions?: string[];
}

/** `<origin>\n<size>\n<base64 root>\n[extension lines]` */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const extensions = (checkpoint.extensions ?? []).map((line) => `${line}\n`).join('');
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.root.toString('base64')}\n${extensions}`;
}

/** Parses a checkpoint body; throws MalformedCheckpointError. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new MalformedCheckpointError('a checkpoint ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new MalformedCheckpointError('a checkpoint has an origin, a size and a root hash');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin.length === 0) throw new MalformedCheckpointError('empty origin');
  // Decimal, no sign, no leading zero (C2SP tlog-checkpoint).
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw new MalformedCheckpointError('malformed tree size');
  const root = strictBase64(rootText);
  if (!root || root.length !== HASH_SIZE) throw new MalformedCheckpointError('malformed root hash');
  if (extensions.some((line) => line.length === 0)) throw new MalformedCheckpointError('empty extension line');
  return { origin, size: Number(sizeText), root, extensions };
}
