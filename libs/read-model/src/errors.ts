import { CodedError } from '@app/shared/coded-error';

/** Stable error codes of the read-model lib (tests assert the code, not the message). */
export type CredentialsErrorCode = 'INVALID_CURSOR' | 'INVALID_PAGINATION' | 'REBUILD_TARGET_EXISTS' | 'PROJECTION_STOPPED' | 'RUNNER_ALREADY_STARTED';

export abstract class CredentialsError extends CodedError<CredentialsErrorCode> {}

/** A `from` cursor that names no credential (answer 400). */
export class InvalidCursorError extends CredentialsError {
  readonly code = 'INVALID_CURSOR' as const;
}

/** A page, per-page or take that is not a non-negative integer in range (answer 400). */
export class InvalidPaginationError extends CredentialsError {
  readonly code = 'INVALID_PAGINATION' as const;
}

/** `rebuild` refuses to write over an existing read-model file unless told to. */
export class RebuildTargetExistsError extends CredentialsError {
  readonly code = 'REBUILD_TARGET_EXISTS' as const;
}

/** The runner was stopped before it first caught up (rejects `caughtUp`). */
export class ProjectionStoppedError extends CredentialsError {
  readonly code = 'PROJECTION_STOPPED' as const;
}

/** `ProjectionRunner.start()` was called twice: a runner is single use. */
export class RunnerAlreadyStartedError extends CredentialsError {
  readonly code = 'RUNNER_ALREADY_STARTED' as const;
}
