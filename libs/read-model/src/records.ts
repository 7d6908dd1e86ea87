import type { AppType, JwtConfiguration, SigningAlg, TokenEndpointAuthMethod } from '@app/clients/events';
import type { RefreshTokenPolicy } from '@app/clients/refresh-token-policy';
import type { RefreshTokenIssuedData } from '@app/refresh-tokens/events';

/**
 * What the queries return: plain camelCase objects. `streamRevision` and
 * `streamHeadHash` are the revision and hash of the last event of the row's
 * stream, for the audit verifier (a truncated stream shows as a head mismatch).
 */

/**
 * A device credential (refresh token) in any status: the fields of its
 * issuance (`tokenHash` is the hex SHA-256 of the family's current secret:
 * the issued one until a rotation; the plaintext is never stored,
 * invariant 2), then its log positions and revocation, then its family's
 * generation and the recorded times its lifetime is computed from.
 */
export interface CredentialRecord extends Omit<RefreshTokenIssuedData, 'dpopJkt'> {
  /** The RFC 7638 thumbprint of the DPoP key the token is bound to (F15); null when unbound. */
  dpopJkt: string | null;
  /** Log position of the RefreshTokenIssued event. */
  issuedPosition: number;
  /** 0 at issuance, +1 per rotation. */
  generation: number;
  /** ISO-8601 of the last rotation; null when never rotated. */
  rotatedAt: string | null;
  /** ISO-8601 of the last recorded exchange (rotation or record of use); null when never. */
  lastExchangedAt: string | null;
  /** The absolute expiry the last expiring exchange recorded (lifetime.ts takes the earlier of it and the policy's). */
  expiresAt: string | null;
  /** The idle expiry the last exchange recorded. */
  idleExpiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  revokedPosition: number | null;
  streamRevision: number;
  streamHeadHash: string;
}

/**
 * What the OAuth endpoints need of a credential, in any status: read by
 * named columns straight into this shape (the hot path, no copy): its
 * identity and scope, its DPoP binding, and what the lifetime rule and the exchange read.
 */
export type TokenCredential = Pick<
  CredentialRecord,
  'credentialId' | 'clientId' | 'userId' | 'scope' | 'revokedAt' | 'dpopJkt' | 'issuedAt' | 'generation' | 'lastExchangedAt' | 'expiresAt' | 'idleExpiresAt'
>;

/** A credential found by a presented secret, and which of its generations that secret is (its head: `generation`; lower: spent). */
export interface PresentedCredential extends TokenCredential {
  presentedGeneration: number;
}

/** A registered client (application). */
export interface ClientRecord {
  clientId: string;
  name: string;
  appType: AppType;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  clientSecretHash: string | null;
  /** Present only for HS256 clients. */
  sealedClientSecret: string | null;
  jwtConfiguration: JwtConfiguration;
  grantTypes: string[];
  /** The clients that may name this one as a /delegation `target`. */
  allowedClients: string[];
  /** The resolved refresh-token policy: the legacy one for a client registered before policies existed. */
  refreshToken: RefreshTokenPolicy;
  /** Only DPoP-bound refresh tokens are issued to it. */
  requireProofOfPossession: boolean;
  createdAt: string;
  deletedAt: string | null;
  streamRevision: number;
  streamHeadHash: string;
}

/** A client grant: the scopes a client may get for an audience through client_credentials. */
export interface ClientGrantRecord {
  grantId: string;
  clientId: string;
  audience: string;
  scope: string[];
  createdAt: string;
  deletedAt: string | null;
  streamRevision: number;
  streamHeadHash: string;
}

/** Rows as SQLite returns them (snake_case, JSON columns as text). */
export interface CredentialRow {
  credential_id: string;
  token_hash: string;
  client_id: string;
  user_id: string;
  device_id: string;
  device_name: string;
  scope: string;
  issued_at: string;
  dpop_jkt: string | null;
  issued_position: number;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  revoked_position: number | null;
  stream_revision: number;
  stream_head_hash: string;
  generation: number;
  rotated_at: string | null;
  last_exchanged_at: string | null;
  expires_at: string | null;
  idle_expires_at: string | null;
}

export interface ClientRow {
  client_id: string;
  name: string;
  app_type: string;
  token_endpoint_auth_method: string;
  client_secret_hash: string | null;
  sealed_client_secret: string | null;
  jwt_alg: string;
  jwt_lifetime_in_seconds: number;
  grant_types: string;
  allowed_clients: string;
  /** JSON of the resolved RefreshTokenPolicy. */
  refresh_token: string;
  /** 0 or 1. */
  require_proof_of_possession: number;
  created_at: string;
  deleted_at: string | null;
  stream_revision: number;
  stream_head_hash: string;
}

export interface ClientGrantRow {
  grant_id: string;
  client_id: string;
  audience: string;
  scope: string;
  created_at: string;
  deleted_at: string | null;
  stream_revision: number;
  stream_head_hash: string;
}

export function toCredentialRecord(row: CredentialRow): CredentialRecord {
  return {
    credentialId: row.credential_id,
    tokenHash: row.token_hash,
    clientId: row.client_id,
    userId: row.user_id,
    deviceId: row.device_id,
    deviceName: row.device_name,
    scope: row.scope,
    issuedAt: row.issued_at,
    dpopJkt: row.dpop_jkt,
    issuedPosition: row.issued_position,
    generation: row.generation,
    rotatedAt: row.rotated_at,
    lastExchangedAt: row.last_exchanged_at,
    expiresAt: row.expires_at,
    idleExpiresAt: row.idle_expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
    revokedPosition: row.revoked_position,
    streamRevision: row.stream_revision,
    streamHeadHash: row.stream_head_hash,
  };
}

export function toClientRecord(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    // Written by the projection from validated events: the casts restore the domain's literal types.
    appType: row.app_type as AppType,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as TokenEndpointAuthMethod,
    clientSecretHash: row.client_secret_hash,
    sealedClientSecret: row.sealed_client_secret,
    jwtConfiguration: { alg: row.jwt_alg as SigningAlg, lifetimeInSeconds: row.jwt_lifetime_in_seconds },
    grantTypes: JSON.parse(row.grant_types) as string[],
    allowedClients: JSON.parse(row.allowed_clients) as string[],
    refreshToken: JSON.parse(row.refresh_token) as RefreshTokenPolicy,
    requireProofOfPossession: row.require_proof_of_possession === 1,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    streamRevision: row.stream_revision,
    streamHeadHash: row.stream_head_hash,
  };
}

export function toClientGrantRecord(row: ClientGrantRow): ClientGrantRecord {
  return {
    grantId: row.grant_id,
    clientId: row.client_id,
    audience: row.audience,
    scope: JSON.parse(row.scope) as string[],
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    streamRevision: row.stream_revision,
    streamHeadHash: row.stream_head_hash,
  };
}
