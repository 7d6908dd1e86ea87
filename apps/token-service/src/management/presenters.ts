import type { ClientGrantRecord, ClientRecord, CredentialRecord } from '@app/read-model';

/** Auth0's client shape (GET /api/v2/clients). The secret is never listed: only a verifier is stored. */
export function presentClient(c: ClientRecord, secret?: string | null) {
  return {
    client_id: c.clientId,
    name: c.name,
    app_type: c.appType,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    is_first_party: true,
    jwt_configuration: { alg: c.jwtConfiguration.alg, lifetime_in_seconds: c.jwtConfiguration.lifetimeInSeconds, secret_encoded: false },
    grant_types: c.grantTypes,
    created_at: c.createdAt,
    ...(secret ? { client_secret: secret } : {}),
  };
}

export function presentClientGrant(g: ClientGrantRecord) {
  return { id: g.grantId, client_id: g.clientId, audience: g.audience, scope: g.scope };
}

/** GET /api/v2/device-credentials item. */
export function presentDeviceCredential(c: CredentialRecord) {
  return {
    id: c.credentialId,
    device_name: c.deviceName,
    device_id: c.deviceId,
    type: 'refresh_token' as const,
    user_id: c.userId,
    client_id: c.clientId,
  };
}

/** Auth0's refresh-token shape, with our revocation fields. These tokens never expire (F3). */
export function presentRefreshToken(c: CredentialRecord) {
  return {
    id: c.credentialId,
    user_id: c.userId,
    client_id: c.clientId,
    created_at: c.issuedAt,
    idle_expires_at: null,
    expires_at: null,
    device: { device_id: c.deviceId, device_name: c.deviceName },
    scope: c.scope,
    rotating: false,
    session_id: null,
    ...(c.revokedAt !== null ? { revoked_at: c.revokedAt, revoked_by: c.revokedBy, revocation_reason: c.revokeReason } : {}),
  };
}
