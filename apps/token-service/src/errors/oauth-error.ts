/**
 * RFC 6749 §5.2 error responses (and RFC 7009 §2.2.1, RFC 6750 §3.1).
 * The public description stays generic where detail would help an attacker;
 * `detail` goes to the log only.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'access_denied'
  | 'too_many_requests'
  | 'temporarily_unavailable'
  | 'server_error'
  // RFC 9449 §12.2: DPoP
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly options: { headers?: Record<string, string>; detail?: string; cause?: unknown } = {},
  ) {
    super(description, { cause: options.cause });
    this.name = 'OAuthError';
  }

  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export const invalidRequest = (description: string): OAuthError => new OAuthError(400, 'invalid_request', description);
export const invalidGrant = (description: string, detail?: string): OAuthError =>
  new OAuthError(400, 'invalid_grant', description, { detail });
/** RFC 6749 §5.2: 401, with WWW-Authenticate when the client tried HTTP Basic. */
export const invalidClient = (description: string, basicAttempted = false): OAuthError =>
  new OAuthError(401, 'invalid_client', description, basicAttempted ? { headers: { 'WWW-Authenticate': 'Basic realm="oauth"' } } : {});
export const unsupportedGrantType = (grantType: string): OAuthError =>
  new OAuthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 100)}`);
/** 403 at /oauth/token (the contract's answer there); /delegation answers 400, as RFC 6749 §5.2 does. */
export const unauthorizedClient = (description: string, status: 400 | 403 = 403): OAuthError => new OAuthError(status, 'unauthorized_client', description);
export const invalidScope = (description: string): OAuthError => new OAuthError(400, 'invalid_scope', description);
export const accessDenied = (description: string): OAuthError => new OAuthError(403, 'access_denied', description);
