import { InvalidProofError, LogInconsistentError } from '../errors';
import { verifyConsistency } from '../tree/verify-consistency';
import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { openNote } from './signed-note';
import type { NoteVerifier } from './keys';

/** A signed checkpoint whose signature verified, with its parsed body. */
export interface VerifiedCheckpoint extends Checkpoint {
  note: string;
}

/** Opens a signed checkpoint: a signature by one of `verifiers`, and a well-formed body. */
export function openCheckpoint(note: string, verifiers: readonly NoteVerifier[]): VerifiedCheckpoint {
  return { ...parseCheckpoint(openNote(note, verifiers).text), note };
}

/**
 * A monitor's check (C2SP tlog-witness does the same before cosigning): the
 * newer checkpoint must extend the held one. Both are opened with
 * `verifiers`; a smaller size is a truncation, the same size with another
 * root a fork, a proof that does not verify a rewrite. Throws
 * LogInconsistentError carrying both notes; returns the newer checkpoint.
 */
export function checkExtension(heldNote: string, newNote: string, proof: readonly Uint8Array[], verifiers: readonly NoteVerifier[]): VerifiedCheckpoint {
  const held = openCheckpoint(heldNote, verifiers);
  const next = openCheckpoint(newNote, verifiers);
  const fail = (kind: LogInconsistentError['kind'], why: string): never => {
    throw new LogInconsistentError(why, kind, heldNote, newNote);
  };
  if (next.origin !== held.origin) fail('origin', `the new checkpoint names another log (${next.origin}, held ${held.origin})`);
  if (next.size < held.size) fail('truncation', `the log shrank from ${held.size} to ${next.size} leaves`);
  if (next.size === held.size) {
    if (!next.root.equals(held.root)) fail('fork', `two different trees of ${held.size} leaves`);
    return next;
  }
  if (held.size === 0) return next;
  try {
    verifyConsistency(held.size, next.size, proof, held.root, next.root);
  } catch (error) {
    if (!(error instanceof InvalidProofError)) throw error;
    fail('rewrite', `the tree of ${next.size} leaves does not extend the held tree of ${held.size}: ${error.message}`);
  }
  return next;
}
