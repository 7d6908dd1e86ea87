import { CodedError } from '@app/shared';

/** Stable error codes of the event-store port (tests assert the code, not the message). */
export type EventStoreErrorCode = 'CONCURRENCY' | 'EVENT_STORE_UNAVAILABLE';

export abstract class EventStoreError extends CodedError<EventStoreErrorCode> {}

/** The stream was not at the expected revision (EventStoreDB's WrongExpectedVersion). Retry from fresh state. */
export class ConcurrencyError extends EventStoreError {
  readonly code = 'CONCURRENCY' as const;
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
    options?: { cause?: unknown },
  ) {
    super(`stream ${streamId}: expected revision ${expected}, actual ${actual}`, options);
  }
}

/** The store cannot be reached or refused the call for a reason not of the caller's making. Answer 503. */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'EVENT_STORE_UNAVAILABLE' as const;
}

/**
 * The store refused our credentials (EventStoreDB PermissionDenied or
 * Unauthenticated): a configuration fault that retrying cannot fix, so a
 * start stops on it. To a caller it is still the store being unavailable (503).
 */
export class EventStoreAccessDeniedError extends EventStoreUnavailableError {}
