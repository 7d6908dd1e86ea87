import { CodedError } from '@app/shared';

/** Stable error codes of the audit lib (tests assert the code, not the message). */
export type AuditErrorCode = 'INVALID_TIME';

export abstract class AuditError extends CodedError<AuditErrorCode> {}

/** A point in time that is not an ISO-8601 instant with a zone (`state --at`). */
export class InvalidTimeError extends AuditError {
  readonly code = 'INVALID_TIME' as const;
}
