/** The parameters of POST /oauth/token its grants read. */
export interface TokenParams {
  grant_type: string;
  refresh_token?: string;
  scope?: string;
  audience?: string;
}

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  /** RFC 9449 §5: `DPoP` when the access token is bound to the proof's key. */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  id_token?: string;
  /** The successor of a rotating refresh token (RFC 6749 §6). */
  refresh_token?: string;
}
