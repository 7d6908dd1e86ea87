/**
 * Commands of the refresh-token aggregate: data with literal names, in the
 * imperative (style.md §2). Hashing, id generation and the clock stay in the
 * handler and arrive here as data (style.md §4, §5).
 */

export interface IssueRefreshTokenData {
  /** Public id of the new device credential, chosen by the handler. */
  credentialId: string;
  /** Lowercase hex SHA-256 of the opaque token (64 characters). */
  tokenHash: string;
  clientId: string;
  userId: string;
  /** Required here: defaulting an absent device id is the handler's job. */
  deviceId: string;
  deviceName: string;
  /** Space-separated scope (RFC 6749 §3.3); must contain `offline_access`. */
  scope: string;
  now: Date;
  /** F15: the RFC 7638 thumbprint of the key the token is bound to (DPoP); absent: unbound. */
  dpopJkt?: string;
  /** The client's policy as the handler read it: true refuses an unbound token. */
  clientRequiresProofOfPossession?: boolean;
}

export interface RevokeRefreshTokenData {
  credentialId: string;
  /** Who: management client id, the client that called /oauth/revoke, `system` for a cascade. */
  actor: string;
  /** Why: the caller's reason or the path's default (REVOCATION_REASONS). */
  reason: string;
  now: Date;
}

export type IssueRefreshToken = { type: 'IssueRefreshToken'; data: IssueRefreshTokenData };
export type RevokeRefreshToken = { type: 'RevokeRefreshToken'; data: RevokeRefreshTokenData };
export type RefreshTokenCommand = IssueRefreshToken | RevokeRefreshToken;
