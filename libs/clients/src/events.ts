/**
 * Events of the client registry: one stream per client (`client-<clientId>`)
 * and one per client grant (`clientGrant-<grantId>`). Type names are literals.
 * A client secret appears only as a hash (and, for HS256 clients only, sealed
 * with the service's data key: HS256 id_tokens are signed with the secret).
 */

export const CLIENT_STREAM_PREFIX = 'client-';
export const CLIENT_GRANT_STREAM_PREFIX = 'clientGrant-';
export const clientStreamId = (clientId: string): string => `${CLIENT_STREAM_PREFIX}${clientId}`;
export const clientGrantStreamId = (grantId: string): string => `${CLIENT_GRANT_STREAM_PREFIX}${grantId}`;

import type { RefreshTokenPolicy } from './refresh-token-policy';

export type AppType = 'native' | 'spa' | 'regular_web' | 'non_interactive';
export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';
export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA' | 'HS256';

export interface JwtConfiguration {
  alg: SigningAlg;
  lifetimeInSeconds: number;
}

export interface ClientRegisteredData {
  clientId: string;
  name: string;
  appType: AppType;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** scrypt/argon-style verifier string of the secret (see signing/secrets); null for public clients. */
  clientSecretHash: string | null;
  /** AES-256-GCM sealed secret, present only when jwtConfiguration.alg is HS256. */
  sealedClientSecret?: string;
  jwtConfiguration: JwtConfiguration;
  grantTypes: string[];
  /**
   * Auth0's `allowed_clients`: the clients that may name this one as the
   * `target` of a /delegation call. Absent in events written before
   * /delegation checked it (see `grantTypesOfRegistration`); read as empty.
   */
  allowedClients?: string[];
  /**
   * The resolved refresh-token policy (Auth0's `refresh_token` object).
   * Absent in events written before policies existed: such a client keeps
   * the legacy policy (`recordedRefreshTokenPolicy`). Always recorded now.
   */
  refreshToken?: RefreshTokenPolicy;
  /** Auth0's `require_proof_of_possession` (DPoP-bound refresh tokens only). Absent in older events: false. */
  requireProofOfPossession?: boolean;
  /** ISO-8601. */
  createdAt: string;
}

export interface ClientDeletedData {
  clientId: string;
  /** ISO-8601. */
  deletedAt: string;
}

/**
 * Fields an update may change, each already resolved (a whole policy, never
 * a partial one). Only the fields whose value changed are present.
 */
export interface ClientChangedFields {
  name?: string;
  grantTypes?: string[];
  allowedClients?: string[];
  refreshToken?: RefreshTokenPolicy;
  requireProofOfPossession?: boolean;
}

export interface ClientUpdatedData {
  clientId: string;
  changes: ClientChangedFields;
  /** ISO-8601. */
  updatedAt: string;
}

export interface ClientGrantCreatedData {
  grantId: string;
  clientId: string;
  audience: string;
  scope: string[];
  createdAt: string;
}

export interface ClientGrantDeletedData {
  grantId: string;
  clientId: string;
  deletedAt: string;
}

export type ClientRegistered = { type: 'ClientRegistered'; data: ClientRegisteredData };
export type ClientDeleted = { type: 'ClientDeleted'; data: ClientDeletedData };
export type ClientUpdated = { type: 'ClientUpdated'; data: ClientUpdatedData };
export type ClientEvent = ClientRegistered | ClientUpdated | ClientDeleted;

export type ClientGrantCreated = { type: 'ClientGrantCreated'; data: ClientGrantCreatedData };
export type ClientGrantDeleted = { type: 'ClientGrantDeleted'; data: ClientGrantDeletedData };
export type ClientGrantEvent = ClientGrantCreated | ClientGrantDeleted;
