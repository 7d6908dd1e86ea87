import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { ConcurrencyError, EventStoreAccessDeniedError, EventStoreError, EventStoreUnavailableError } from '../errors';

/** gRPC status codes that mean "the store is not reachable right now" (grpc-js `status`). */
const TRANSIENT_GRPC_CODES = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 10 /* ABORTED */, 14 /* UNAVAILABLE */]);
/** Node socket errors seen while resolving or connecting (e.g. during gossip discovery). */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Maps an @eventstore/db-client error to the port's errors (style.md §7:
 * only libs/event-store knows the client). Returns the error unchanged when it
 * is neither a conflict nor an outage (a bug should surface as itself).
 */
export function toEventStoreError(error: unknown, streamId?: string): unknown {
  if (error instanceof EventStoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    return new ConcurrencyError(streamId ?? error.streamName, String(error.expectedVersion), String(error.actualVersion), { cause: error });
  }
  // The client maps both PermissionDenied (with `exception: access-denied`) and Unauthenticated to AccessDeniedError.
  if (error instanceof AccessDeniedError) {
    return new EventStoreAccessDeniedError(
      `EventStoreDB refused access (${error.message}): check the user and password in EVENTSTORE_CONNECTION_STRING and that user's read and write rights on $all and the service's streams`,
      { cause: error },
    );
  }
  if (isTransient(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new EventStoreUnavailableError(`EventStoreDB unavailable: ${message}`, { cause: error });
  }
  return error;
}

/** Whether the failure is an outage (retry later) rather than a rejection of the request. */
export function isTransient(error: unknown): boolean {
  if (error instanceof EventStoreAccessDeniedError || error instanceof AccessDeniedError) return false;
  if (error instanceof EventStoreUnavailableError) return true;
  if (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    // The server answered, but not for a reason of the caller's making.
    error instanceof UnknownError
  ) {
    return true;
  }
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'number') return TRANSIENT_GRPC_CODES.has(code);
    if (typeof code === 'string') return TRANSIENT_SOCKET_CODES.has(code);
  }
  return false;
}

/**
 * Why a server could not be reached, in the operator's words, for the
 * start-up's "waiting for EventStoreDB" lines: a refused port, a name that does
 * not resolve and a TLS handshake against an insecure server (the usual
 * missing `?tls=false`) each say so; anything else gives the client's text.
 */
export function unreachableReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED/.test(text)) return 'connection refused (is EventStoreDB running, on that host and port?)';
  if (/Name resolution failed|ENOTFOUND|EAI_AGAIN/.test(text)) return 'the host name does not resolve (DNS)';
  if (/SSL|TLS|handshake|wrong version number|certificate|self.signed/i.test(text)) {
    return 'TLS handshake failed (a server started --insecure needs ?tls=false in EVENTSTORE_CONNECTION_STRING; a secure one, its CA through tlsCAFile=)';
  }
  if (/DEADLINE_EXCEEDED|timed out|deadline/i.test(text)) return 'no answer in time';
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
