import { z } from 'zod';
import { LEGACY_REFRESH_TOKEN_POLICY } from '@app/clients';
import type { ClientGrantRecord, ClientRecord, CredentialQueries, CredentialRecord } from '@app/read-model';
import { familyLifetime } from '@app/refresh-tokens';
import { presentRefreshTokenPolicy } from './clients/refresh-token-policy.body';
import { clientSchema, refreshTokenSchema } from './refresh-token-schemas';

export { clientSchema, refreshTokenSchema, tokenHistorySchema, userMatchSchema } from './refresh-token-schemas';

/*
 * Each answer of the management API has its zod schema beside its presenter:
 * the OpenAPI document is generated from these schemas, and the presenters'
 * return types are checked against them (`satisfies`), so the two cannot drift.
 */

/** Auth0's client shape (GET /api/v2/clients). The secret is never listed: only a verifier is stored. */
export function presentClient(c: ClientRecord, secret?: string | null): z.output<typeof clientSchema> {
  return {
    client_id: c.clientId,
    name: c.name,
    app_type: c.appType,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    is_first_party: true,
    jwt_configuration: { alg: c.jwtConfiguration.alg, lifetime_in_seconds: c.jwtConfiguration.lifetimeInSeconds, secret_encoded: false },
    grant_types: c.grantTypes,
    allowed_clients: c.allowedClients,
    refresh_token: presentRefreshTokenPolicy(c.refreshToken),
    require_proof_of_possession: c.requireProofOfPossession,
    created_at: c.createdAt,
    ...(secret ? { client_secret: secret } : {}),
  };
}

export const clientGrantSchema = z
  .object({ id: z.string(), client_id: z.string(), audience: z.string(), scope: z.array(z.string()) })
  .strict()
  .meta({ id: 'ClientGrant' });

export function presentClientGrant(g: ClientGrantRecord): z.output<typeof clientGrantSchema> {
  return { id: g.grantId, client_id: g.clientId, audience: g.audience, scope: g.scope };
}

/** Every field may be left out by `fields`/`include_fields`. */
export const deviceCredentialSchema = z
  .object({
    id: z.string(),
    device_name: z.string(),
    device_id: z.string(),
    type: z.literal('refresh_token'),
    user_id: z.string(),
    client_id: z.string(),
  })
  .partial()
  .strict()
  .meta({ id: 'DeviceCredential' });

/** GET /api/v2/device-credentials item. */
export function presentDeviceCredential(c: CredentialRecord) {
  return {
    id: c.credentialId,
    device_name: c.deviceName,
    device_id: c.deviceId,
    type: 'refresh_token' as const,
    user_id: c.userId,
    client_id: c.clientId,
  } satisfies z.output<typeof deviceCredentialSchema>;
}

/**
 * Auth0's refresh-token shape, with our revocation fields and the family's
 * generation. Lifetimes by the domain's rule (lifetime.ts) under the client's
 * policy now (`client` null: unknown client, the legacy policy).
 */
export function presentRefreshToken(c: CredentialRecord, client: ClientRecord | null): z.output<typeof refreshTokenSchema> {
  const policy = client?.refreshToken ?? LEGACY_REFRESH_TOKEN_POLICY;
  const lifetime = familyLifetime(c, policy);
  return {
    id: c.credentialId,
    user_id: c.userId,
    client_id: c.clientId,
    created_at: c.issuedAt,
    idle_expires_at: lifetime.idleExpiresAt,
    expires_at: lifetime.expiresAt,
    last_exchanged_at: c.lastExchangedAt,
    device: { device_id: c.deviceId, device_name: c.deviceName },
    scope: c.scope,
    rotating: policy.rotationType === 'rotating',
    generation: c.generation,
    session_id: null,
    dpop_jkt: c.dpopJkt,
    ...(c.revokedAt !== null ? { revoked_at: c.revokedAt, revoked_by: c.revokedBy, revocation_reason: c.revokeReason } : {}),
  };
}

/** `presentRefreshToken` for tokens read from `queries`: each with its client (deleted ones too; the lookup is cached). */
export function presentRefreshTokens(queries: CredentialQueries, tokens: readonly CredentialRecord[]): Array<z.output<typeof refreshTokenSchema>> {
  return tokens.map((c) => presentRefreshToken(c, queries.getClient(c.clientId, { includeDeleted: true })));
}

/** The 201 of POST /api/v2/refresh-tokens: the plaintext token, this once. */
export const issuedRefreshTokenSchema = z
  .object({
    id: z.string(),
    refresh_token: z.string(),
    client_id: z.string(),
    user_id: z.string(),
    device_name: z.string(),
    device_id: z.string(),
    scope: z.string(),
    created_at: z.string(),
    dpop_jkt: z.string().nullable().meta({ description: 'The DPoP key the token is bound to; null when unbound' }),
  })
  .strict()
  .meta({ id: 'IssuedRefreshToken' });

