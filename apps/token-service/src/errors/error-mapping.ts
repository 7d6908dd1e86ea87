import { ManagementError } from './management-error';
import { OAuthError } from './oauth-error';

/**
 * Domain, port and signing errors carry a stable `code`; this table is the
 * one place that turns a code into an HTTP answer for each surface
 * (style.md §9: mapped once, at the edge).
 */
interface Mapping {
  management: (message: string) => ManagementError;
  oauth: (message: string) => OAuthError;
}

const RETRY_AFTER_SECONDS = '5';
const unavailable: Mapping = {
  management: () =>
    new ManagementError(503, 'The event store is unavailable; retry later.', 'temporarily_unavailable', { 'Retry-After': RETRY_AFTER_SECONDS }),
  oauth: () =>
    new OAuthError(503, 'temporarily_unavailable', 'The service is temporarily unavailable; retry later.', {
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    }),
};
const busy: Mapping = {
  management: () => new ManagementError(409, 'A concurrent change won; retry the request.', 'conflict'),
  oauth: () =>
    new OAuthError(503, 'temporarily_unavailable', 'The service is busy; retry later.', { headers: { 'Retry-After': '1' } }),
};
const badInput = (errorCode: string): Mapping => ({
  management: (m) => new ManagementError(400, m, errorCode),
  oauth: (m) => new OAuthError(400, 'invalid_request', m),
});
const missing = (errorCode: string): Mapping => ({
  management: (m) => new ManagementError(404, m, errorCode),
  oauth: () => new OAuthError(400, 'invalid_grant', 'Unknown or invalid refresh token.'),
});
const exists: Mapping = {
  management: (m) => new ManagementError(409, m, 'already_exists'),
  oauth: (m) => new OAuthError(400, 'invalid_request', m),
};
const tokenRejected: Mapping = {
  management: () => new ManagementError(401, 'Invalid token', 'invalid_token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
  oauth: () => new OAuthError(400, 'invalid_grant', 'Invalid token.'),
};
const tokenExpired: Mapping = {
  management: () => new ManagementError(401, 'Expired token', 'token_expired', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
  oauth: () => new OAuthError(400, 'invalid_grant', 'Invalid token.'),
};
const noToken: Mapping = {
  management: () => new ManagementError(401, 'Missing authentication', 'missing_token', { 'WWW-Authenticate': 'Bearer' }),
  oauth: () => new OAuthError(400, 'invalid_request', 'Missing token.'),
};
const scopeMissing: Mapping = {
  management: (m) => new ManagementError(403, m, 'insufficient_scope', { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' }),
  oauth: (m) => new OAuthError(400, 'invalid_scope', m),
};

export const ERROR_CODE_MAPPINGS: Readonly<Record<string, Mapping>> = {
  // event-store port
  EVENT_STORE_UNAVAILABLE: unavailable,
  CONCURRENCY: busy,
  // refresh-token domain
  OFFLINE_ACCESS_REQUIRED: {
    management: (m) => new ManagementError(400, m, 'invalid_scope'),
    oauth: (m) => new OAuthError(400, 'invalid_scope', m),
  },
  INVALID_ARGUMENT: badInput('invalid_body'),
  CREDENTIAL_ALREADY_EXISTS: exists,
  CREDENTIAL_NOT_FOUND: missing('inexistent_resource'),
  SCOPE_NOT_SUBSET: {
    management: (m) => new ManagementError(400, m, 'invalid_scope'),
    oauth: () => new OAuthError(400, 'invalid_scope', 'The requested scope exceeds the scope granted to the refresh token.'),
  },
  // client registry domain
  CLIENT_ALREADY_EXISTS: exists,
  CLIENT_NOT_FOUND: missing('inexistent_client'),
  CLIENT_GRANT_ALREADY_EXISTS: exists,
  CLIENT_GRANT_NOT_FOUND: missing('inexistent_resource'),
  // signing / token verification
  TOKEN_MISSING: noToken,
  TOKEN_INVALID: tokenRejected,
  TOKEN_CLAIM_INVALID: tokenRejected,
  TOKEN_EXPIRED: tokenExpired,
  INSUFFICIENT_SCOPE: scopeMissing,
};

/** Codes whose name ends in one of these are caller mistakes even when not listed above. */
const CALLER_MISTAKE_SUFFIXES = ['_INVALID', '_REQUIRED', '_TOO_LONG', '_EMPTY', 'INVALID_ARGUMENT'];

export function mappingFor(code: string): Mapping | undefined {
  const direct = ERROR_CODE_MAPPINGS[code];
  if (direct) return direct;
  if (CALLER_MISTAKE_SUFFIXES.some((s) => code.endsWith(s)) || code.startsWith('INVALID_')) return badInput('invalid_body');
  return undefined;
}
