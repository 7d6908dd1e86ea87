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
 * issuance (`tokenHash` is the hex SHA-256 of the token; the plaintext is
 * never stored, invariant 2), then its log positions and revocation.
 */
export interface CredentialRecord extends Omit<RefreshTokenIssuedData, 'dpopJkt'> {
  /** The RFC 7638 thumbprint of the DPoP key the token is bound to (F15); null when unbound. */
  dpopJkt: string | null;
  /** Log position of the RefreshTokenIssued event. */
  issuedPosition: number;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  revokedPosition: number | null;
  streamRevision: number;
  streamHeadHash: string;
}

/**
 * What the OAuth endpoints need of a credential, in any status: read by
 * six named columns straight into this shape (the hot path, no copy).
 */
export type TokenCredential = Pick<CredentialRecord, 'credentialId' | 'clientId' | 'userId' | 'scope' | 'revokedAt' | 'dpopJkt'>;

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
