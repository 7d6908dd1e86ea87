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

/**
 * Lifetimes an exchange under an expiring policy recorded (ISO-8601, null:
 * none). Recorded so that switching the client back to non-expiring does not
 * revive a token that had expired under the old policy: the lifetime rule
 * takes the earlier of these and what the current policy computes.
 */
export interface RecordedLifetime {
  /** The absolute expiry, fixed when the family started (issuance + token lifetime); never extended. */
  expiresAt: string | null;
  /** The idle expiry this exchange renewed: the exchange time + the idle lifetime. */
  idleExpiresAt: string | null;
}

/**
 * A rotation: the family (credential) gets a new secret and the next
 * generation; the credential id, and so the `sid`, stay. Hashes only: the
 * successor's plaintext is derived by the service (never stored).
 */
export interface RefreshTokenRotatedData extends RecordedLifetime {
  credentialId: string;
  clientId: string;
  userId: string;
  deviceId: string;
  /** 1 for the first rotation (issuance is generation 0). */
  generation: number;
  /** Hex SHA-256 of the new secret: the family's head from now on. */
  tokenHash: string;
  /** Hex SHA-256 of the secret this rotation spent (the previous head). */
  previousTokenHash: string;
  /** ISO-8601. */
  rotatedAt: string;
}

/** A record of use of an idle-expiring, non-rotating token: renews its idle lifetime. */
export interface RefreshTokenExchangedData extends RecordedLifetime {
  credentialId: string;
  /** ISO-8601. */
  exchangedAt: string;
}

export type RefreshTokenIssued = { type: 'RefreshTokenIssued'; data: RefreshTokenIssuedData };
export type RefreshTokenRevoked = { type: 'RefreshTokenRevoked'; data: RefreshTokenRevokedData };
export type RefreshTokenRotated = { type: 'RefreshTokenRotated'; data: RefreshTokenRotatedData };
export type RefreshTokenExchanged = { type: 'RefreshTokenExchanged'; data: RefreshTokenExchangedData };
export type RefreshTokenEvent = RefreshTokenIssued | RefreshTokenRevoked | RefreshTokenRotated | RefreshTokenExchanged;
export type RefreshTokenEventType = RefreshTokenEvent['type'];
