import { AppType, SigningAlg, TokenEndpointAuthMethod } from './events';
import type { RefreshTokenPolicyInput } from './refresh-token-policy';

/**
 * Commands of the client aggregate (`client-<clientId>`), Auth0 semantics.
 * Secret generation, hashing and sealing happen in the handler and arrive
 * here as data; use `resolveTokenEndpointAuthMethod` and `isPublicClient`
 * there to know whether to make a secret at all.
 */
export interface RegisterClientData {
  clientId: string;
  name: string;
  appType: AppType;
  /** Omitted: `none` for native and spa, `client_secret_post` otherwise. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Verifier of the secret; `null` for a public client, required for a confidential one. */
  clientSecretHash: string | null;
  /** The secret sealed with the service's data key; exactly when the alg is HS256. */
  sealedClientSecret?: string;
  /** Omitted parts default to RS256 and 36000 seconds. */
  jwtConfiguration?: { alg?: SigningAlg; lifetimeInSeconds?: number };
  /** Omitted: the app type's defaults (`defaultGrantTypes`). */
  grantTypes?: string[];
  /** Omitted: none (no other client may target this one at /delegation). */
  allowedClients?: string[];
  /** Omitted parts come from the app type's default policy (`defaultRefreshTokenPolicy`). */
  refreshToken?: RefreshTokenPolicyInput;
  /** Omitted: false. */
  requireProofOfPossession?: boolean;
  now: Date;
}

export interface DeleteClientData {
  clientId: string;
  now: Date;
}

/** What a caller asks to change; each omitted field stays. `refreshToken` is laid over the current policy. */
export interface ClientChanges {
  name?: string;
  grantTypes?: string[];
  allowedClients?: string[];
  refreshToken?: RefreshTokenPolicyInput;
  requireProofOfPossession?: boolean;
}

export interface UpdateClientData {
  clientId: string;
  changes: ClientChanges;
  now: Date;
}

export type RegisterClient = { type: 'RegisterClient'; data: RegisterClientData };
export type DeleteClient = { type: 'DeleteClient'; data: DeleteClientData };
export type UpdateClient = { type: 'UpdateClient'; data: UpdateClientData };
export type ClientCommand = RegisterClient | UpdateClient | DeleteClient;
