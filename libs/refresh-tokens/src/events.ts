/**
 * Events of the refresh-token aggregate (one stream per credential:
 * `refreshToken-<credentialId>`). Stored type names are these literals, never
 * class names: the log outlives the code (style.md §2).
 *
 * No event carries a token's plaintext: only its SHA-256 (invariant 2).
 */

export const REFRESH_TOKEN_STREAM_PREFIX = 'refreshToken-';
export const refreshTokenStreamId = (credentialId: string): string => `${REFRESH_TOKEN_STREAM_PREFIX}${credentialId}`;

export interface RefreshTokenIssuedData {
  /** Public id of the device credential (Auth0's `dcr_...`); also the `sid` of every id_token minted from it. */
  credentialId: string;
  /** Hex SHA-256 of the opaque token. */
  tokenHash: string;
  clientId: string;
  userId: string;
  deviceId: string;
  deviceName: string;
  /** Space-separated scope granted; always contains `offline_access`. */
  scope: string;
  /** ISO-8601. */
  issuedAt: string;
  /** F15: the RFC 7638 thumbprint of the DPoP key every exchange must prove; absent when unbound. */
  dpopJkt?: string;
}

export interface RefreshTokenRevokedData {
  credentialId: string;
  // Copied from issuance so the relay and auditors need no lookup.
  clientId: string;
  userId: string;
  deviceId: string;
  deviceName: string;
  /** Why: a caller's reason or a path default (REVOCATION_REASONS). */
  reason: string;
  /** Who: management client id, the client that called /oauth/revoke, `system` for a cascade. */
  revokedBy: string;
  /** ISO-8601. */
  revokedAt: string;
}

export type RefreshTokenIssued = { type: 'RefreshTokenIssued'; data: RefreshTokenIssuedData };
export type RefreshTokenRevoked = { type: 'RefreshTokenRevoked'; data: RefreshTokenRevokedData };
export type RefreshTokenEvent = RefreshTokenIssued | RefreshTokenRevoked;
export type RefreshTokenEventType = RefreshTokenEvent['type'];
