/**
 * The reason recorded on a revocation when the caller gives none: one per
 * path that revokes. Stored in the log (RefreshTokenRevoked.reason), so the
 * strings are part of the record and never change.
 */
export const REVOCATION_REASONS = {
  /** DELETE /api/v2/refresh-tokens/{id}. */
  refreshTokenDeleted: 'refresh_token_deleted',
  /** DELETE /api/v2/device-credentials/{id} (Auth0's device list). */
  deviceCredentialDeleted: 'device_credential_deleted',
  /** DELETE /api/v2/users/{id}/refresh-tokens. */
  userBulkRevoke: 'user_bulk_revoke',
  /** DELETE /api/v2/clients/{id}/refresh-tokens: the client stays. */
  clientBulkRevoke: 'client_bulk_revoke',
  /** The cascade after ClientDeleted (actor `system`); also the ClientDeleted event's own reason. */
  clientDeleted: 'client_deleted',
  /** POST /oauth/revoke by the client holding the token (RFC 7009). */
  rfc7009: 'rfc7009',
  /** A spent secret of a rotating family presented outside the overlap window (actor `system`): the family is revoked. */
  reuseDetected: 'reuse_detected',
  /** The oldest valid token of a (user, client) evicted by the 201st issuance (actor `system`). */
  evicted: 'evicted',
} as const;

export type DefaultRevocationReason = (typeof REVOCATION_REASONS)[keyof typeof REVOCATION_REASONS];
