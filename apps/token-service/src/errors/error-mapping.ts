import type { AuditErrorCode } from '@app/audit';
import type { ClientErrorCode } from '@app/clients';
import type { DpopErrorCode } from '@app/dpop';
import type { ConsumerErrorCode, EventStoreErrorCode } from '@app/event-store';
import type { ReadModelErrorCode } from '@app/read-model';
import type { RefreshTokenErrorCode } from '@app/refresh-tokens';
import type { RelayLeaseErrorCode, RevocationTopicErrorCode } from '@app/revocation-relay';
import type { DataDirLockedError, DataDirMissingError, DataDirNotOwnedError } from '@app/process';
import type { InvalidArgumentError } from '@app/shared';
import type { RevocationEventsErrorCode } from '@refresh-token-service/revocation-events';
import type { SigningErrorCode } from '@app/signing';
import type { TransparencyLogErrorCode } from '@app/transparency-log';
import { DPOP_ANSWERS } from './dpop-answers';
import { ManagementError } from './management-error';
import { OAuthError } from './oauth-error';

/** Every stable code of every lib: the table below must name each one (the compiler checks). */
export type AllErrorCodes =
  | AuditErrorCode
  | ClientErrorCode
  | DpopErrorCode
  | ReadModelErrorCode
  | EventStoreErrorCode
  | ConsumerErrorCode
  | RefreshTokenErrorCode
  | RevocationEventsErrorCode
  | RelayLeaseErrorCode
  | RevocationTopicErrorCode
  | SigningErrorCode
  | InvalidArgumentError['code']
  | TransparencyLogErrorCode
  | DataDirLockedError['code']
  | DataDirNotOwnedError['code']
  | DataDirMissingError['code'];

/**
 * Whose fault an error is, and its answer on each surface. A `caller` mistake
 * is a 4xx in the contract's shape; a `server` fault is a 5xx whose body is
 * generic (the exception filter logs the detail); `retry` is a 409/503 the
 * caller may repeat.
 */
export interface HttpAnswer {
  fault: 'caller' | 'server' | 'retry';
  management: (message: string) => ManagementError;
  oauth: (message: string) => OAuthError;
}

const RETRY_AFTER_SECONDS = '5';
const unavailable: HttpAnswer = {
  fault: 'retry',
  management: () =>
    new ManagementError(503, 'The service is temporarily unavailable; retry later.', 'temporarily_unavailable', { 'Retry-After': RETRY_AFTER_SECONDS }),
  oauth: () =>
    new OAuthError(503, 'temporarily_unavailable', 'The service is temporarily unavailable; retry later.', {
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    }),
};
const busy: HttpAnswer = {
  fault: 'retry',
  management: () => new ManagementError(409, 'A concurrent change won; retry the request.', 'conflict'),
  oauth: () =>
    new OAuthError(503, 'temporarily_unavailable', 'The service is busy; retry later.', { headers: { 'Retry-After': '1' } }),
};
/** Not the caller's doing: a bug, a broken key file, a data key that cannot open what it sealed. */
export const serverFault: HttpAnswer = {
  fault: 'server',
  management: () => new ManagementError(500, 'Internal error', 'internal_error'),
  oauth: () => new OAuthError(500, 'server_error', 'Internal error.'),
};
/** OAuth clients get the generic descriptions; the domain's own text goes to the log (node-oidc-provider does the same). */
const INVALID_REQUEST = 'The request is missing a parameter, has an invalid value or is otherwise malformed.';
const INVALID_SCOPE = 'The requested scope is invalid, unknown, or exceeds the scope granted.';
const badInput = (errorCode: string): HttpAnswer => ({
  fault: 'caller',
  management: (m) => new ManagementError(400, m, errorCode),
  oauth: (m) => new OAuthError(400, 'invalid_request', INVALID_REQUEST, { detail: m }),
});
const missing = (errorCode: string): HttpAnswer => ({
  fault: 'caller',
  management: (m) => new ManagementError(404, m, errorCode),
  oauth: () => new OAuthError(400, 'invalid_grant', 'Unknown or invalid refresh token.'),
});
const exists: HttpAnswer = {
  fault: 'caller',
  management: (m) => new ManagementError(409, m, 'already_exists'),
  oauth: (m) => new OAuthError(400, 'invalid_request', INVALID_REQUEST, { detail: m }),
};
const tokenRejected: HttpAnswer = {
  fault: 'caller',
  management: () => new ManagementError(401, 'Invalid token', 'invalid_token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
  oauth: () => new OAuthError(400, 'invalid_grant', 'Invalid token.'),
};
const tokenExpired: HttpAnswer = {
  fault: 'caller',
  management: () => new ManagementError(401, 'Expired token', 'token_expired', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
  oauth: () => new OAuthError(400, 'invalid_grant', 'Invalid token.'),
};
/** A refresh token refused at an exchange (the grants map it themselves; this is the fallback): the contract's one description. */
const refreshTokenRefused: HttpAnswer = {
  fault: 'caller',
  management: (m) => new ManagementError(400, m, 'invalid_body'),
  oauth: (m) => new OAuthError(400, 'invalid_grant', 'Unknown or invalid refresh token.', { detail: m }),
};
const noToken: HttpAnswer = {
  fault: 'caller',
  management: () => new ManagementError(401, 'Missing authentication', 'missing_token', { 'WWW-Authenticate': 'Bearer' }),
  oauth: () => new OAuthError(400, 'invalid_request', 'Missing token.'),
};
const scopeMissing: HttpAnswer = {
  fault: 'caller',
  management: (m) => new ManagementError(403, m, 'insufficient_scope', { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' }),
  oauth: (m) => new OAuthError(400, 'invalid_scope', INVALID_SCOPE, { detail: m }),
};
const invalidScope: HttpAnswer = {
  fault: 'caller',
  management: (m) => new ManagementError(400, m, 'invalid_scope'),
  oauth: (m) => new OAuthError(400, 'invalid_scope', INVALID_SCOPE, { detail: m }),
};

/**
 * The one table from a lib's error code to its HTTP answer (style.md §9:
 * mapped once, at the edge). `satisfies Record<AllErrorCodes, …>` makes a new
 * code without a row, or a row for a code no lib has, a compile error.
 */
export const ERROR_ANSWERS = {
  // shared: another process holds DATA_DIR (a start-up error; never a request's doing)
  DATA_DIR_LOCKED: serverFault,
  DATA_DIR_NOT_OWNED: serverFault,
  // shared: an operator CLI was pointed at a DATA_DIR that does not exist (never a request's doing)
  DATA_DIR_MISSING: serverFault,
  // The relay's own conditions (a lease taken over by another relay, a topic kept shorter than tokens live): operators', never a caller's.
  RELAY_LEASE_LOST: serverFault,
  TOPIC_RETENTION_TOO_SHORT: serverFault,
  TOPIC_COMPACTED: serverFault,
  // audit
  INVALID_TIME: badInput('invalid_query_string'),
  // event-store port
  EVENT_STORE_UNAVAILABLE: unavailable,
  CONCURRENCY: busy,
  // the checkpointed consumer (projection, relay): stopped at shutdown, or a wiring bug
  CONSUMER_STOPPED: unavailable,
  CONSUMER_ALREADY_STARTED: serverFault,
  // every lib's bad argument (shared)
  INVALID_ARGUMENT: badInput('invalid_body'),
  // refresh-token domain
  OFFLINE_ACCESS_REQUIRED: invalidScope,
  CREDENTIAL_ALREADY_EXISTS: exists,
  CREDENTIAL_NOT_FOUND: missing('inexistent_resource'),
  SCOPE_NOT_SUBSET: invalidScope,
  DPOP_BINDING_REQUIRED: badInput('invalid_body'),
  // DPoP (RFC 9449): the OAuth edge answers these itself (dpop-proof.ts adds the nonce); the rows are its fallback
  ...DPOP_ANSWERS,
  REFRESH_TOKEN_EXPIRED: refreshTokenRefused,
  // client registry domain
  HS256_REQUIRES_CONFIDENTIAL_CLIENT: badInput('invalid_body'),
  GRANT_TYPE_NOT_ALLOWED: {
    fault: 'caller',
    management: (m) => new ManagementError(400, m, 'invalid_body'),
    oauth: (m) => new OAuthError(400, 'unauthorized_client', 'The client is not authorized to use this grant type.', { detail: m }),
  },
  CLIENT_SECRET_NOT_ALLOWED: {
    fault: 'caller',
    management: (m) => new ManagementError(400, m, 'invalid_body'),
    oauth: () => new OAuthError(401, 'invalid_client', 'Client authentication failed.'),
  },
  // The handler derives the secret and its sealing from the auth method: a caller cannot cause these.
  CLIENT_SECRET_REQUIRED: serverFault,
  SEALED_SECRET_REQUIRED: serverFault,
  SEALED_SECRET_NOT_ALLOWED: serverFault,
  CLIENT_ALREADY_EXISTS: exists,
  CLIENT_NOT_FOUND: missing('inexistent_client'),
  CLIENT_GRANT_ALREADY_EXISTS: exists,
  CLIENT_GRANT_NOT_FOUND: missing('inexistent_resource'),
  // read model
  INVALID_CURSOR: badInput('invalid_query_string'),
  INVALID_PAGINATION: badInput('invalid_query_string'),
  REBUILD_TARGET_EXISTS: serverFault,
  READ_MODEL_UNREADABLE: serverFault,
  // the revocation-events contract, thrown by the SDK and the relay (a presented id_token whose credential is revoked is the caller's)
  CREDENTIAL_REVOKED: tokenRejected,
  ID_TOKEN_WITHOUT_SID: tokenRejected,
  LISTENER_NOT_READY: unavailable,
  BROKER_UNREACHABLE: unavailable,
  INVALID_REVOCATION_MESSAGE: serverFault,
  NOT_A_REVOCATION_EVENT: serverFault,
  // signing: token verification is the caller's; keys and sealed secrets are ours
  TOKEN_MISSING: noToken,
  TOKEN_INVALID: tokenRejected,
  TOKEN_CLAIM_INVALID: tokenRejected,
  TOKEN_EXPIRED: tokenExpired,
  INSUFFICIENT_SCOPE: scopeMissing,
  KEY_STORE_INVALID: serverFault,
  KEY_STORE_READ_ONLY: serverFault,
  KEY_STORE_LOCKED: unavailable,
  KEY_NOT_FOUND: serverFault,
  KEY_IN_USE: serverFault,
  KEY_MAY_STILL_VERIFY: serverFault,
  NO_SIGNING_KEY: serverFault,
  // A client registered with a jwt_configuration.alg no key of ours signs: refused at creation, not 500 at every delegation.
  SIGNING_ALG_UNAVAILABLE: badInput('invalid_body'),
  INVALID_INPUT: serverFault,
  DATA_KEY_INVALID: serverFault,
  SEALED_VALUE_INVALID: serverFault,
  // the verifiable log: the audit routes validate their input first, so these are ours (a broken key file, a tree out of step)
  TLOG_OUT_OF_RANGE: serverFault,
  TLOG_PROOF_INVALID: serverFault,
  TLOG_MALFORMED_NOTE: serverFault,
  TLOG_MALFORMED_KEY: serverFault,
  TLOG_SIGNATURE_INVALID: serverFault,
  TLOG_NOT_SIGNED: serverFault,
  TLOG_MALFORMED_CHECKPOINT: serverFault,
  TLOG_LOG_INCONSISTENT: serverFault,
} as const satisfies Record<AllErrorCodes, HttpAnswer>;

/** The answer for a lib error's code; undefined for any other code (Node's ENOENT, Fastify's FST_*). */
export function answerForCode(code: string): HttpAnswer | undefined {
  return Object.hasOwn(ERROR_ANSWERS, code) ? (ERROR_ANSWERS as Record<string, HttpAnswer>)[code] : undefined;
}
