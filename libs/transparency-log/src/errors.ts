import { CodedError } from '@app/shared';

export type TransparencyLogErrorCode =
  | 'TLOG_OUT_OF_RANGE'
  | 'TLOG_PROOF_INVALID'
  | 'TLOG_MALFORMED_NOTE'
  | 'TLOG_MALFORMED_KEY'
  | 'TLOG_SIGNATURE_INVALID'
  | 'TLOG_NOT_SIGNED'
  | 'TLOG_MALFORMED_CHECKPOINT'
  | 'TLOG_LOG_INCONSISTENT';

export abstract class TransparencyLogError extends CodedError<TransparencyLogErrorCode> {}

/** An index or size outside the tree (or `first > second`). */
export class OutOfRangeError extends TransparencyLogError {
  readonly code = 'TLOG_OUT_OF_RANGE' as const;
}

/** A proof that does not lead to the expected root(s). */
export class InvalidProofError extends TransparencyLogError {
  readonly code = 'TLOG_PROOF_INVALID' as const;
}

/** Text that is not a C2SP signed note. */
export class MalformedNoteError extends TransparencyLogError {
  readonly code = 'TLOG_MALFORMED_NOTE' as const;
}

/** A verifier or signer key string that does not parse (or whose key id does not match). */
export class MalformedKeyError extends TransparencyLogError {
  readonly code = 'TLOG_MALFORMED_KEY' as const;
}

/** A signature line of a known key that does not verify. */
export class InvalidSignatureError extends TransparencyLogError {
  readonly code = 'TLOG_SIGNATURE_INVALID' as const;
}

/** A note with no signature by any of the given keys. */
export class NotSignedError extends TransparencyLogError {
  readonly code = 'TLOG_NOT_SIGNED' as const;
}

/** A note body that is not a C2SP tlog-checkpoint. */
export class MalformedCheckpointError extends TransparencyLogError {
  readonly code = 'TLOG_MALFORMED_CHECKPOINT' as const;
}

/** What a monitor saw: the log no longer extends a checkpoint it verified earlier. */
export type InconsistencyKind = 'truncation' | 'fork' | 'rewrite' | 'origin';

/** A newer signed checkpoint that does not extend the held one; carries both signed notes for the report. */
export class LogInconsistentError extends TransparencyLogError {
  readonly code = 'TLOG_LOG_INCONSISTENT' as const;

  constructor(
    message: string,
    readonly kind: InconsistencyKind,
    readonly heldNote: string,
    readonly newNote: string,
  ) {
    super(message);
  }
}
