import { CodedError } from '@app/shared';

/** Stable error codes of the read-model lib (tests assert the code, not the message). */
export type ReadModelErrorCode = 'INVALID_CURSOR' | 'INVALID_PAGINATION' | 'REBUILD_TARGET_EXISTS' | 'READ_MODEL_UNREADABLE';

export abstract class ReadModelError extends CodedError<ReadModelErrorCode> {}

/** A `from` cursor that names no credential (answer 400). */
export class InvalidCursorError extends ReadModelError {
  readonly code = 'INVALID_CURSOR' as const;
}

/** A page, per-page or take that is not a non-negative integer in range (answer 400). */
export class InvalidPaginationError extends ReadModelError {
  readonly code = 'INVALID_PAGINATION' as const;
}

/** `rebuild` refuses to write over an existing read-model file unless told to. */
export class RebuildTargetExistsError extends ReadModelError {
  readonly code = 'REBUILD_TARGET_EXISTS' as const;
}

/** `ReadModel.openReadOnly`: the file is missing, unreadable, or of another schema version. */
export class ReadModelUnreadableError extends ReadModelError {
  readonly code = 'READ_MODEL_UNREADABLE' as const;
}
