// Public API of the client registry domain (the only index of this lib).
export * from './events';
export type {
  RegisterClient,
  RegisterClientData,
  DeleteClient,
  DeleteClientData,
  UpdateClient,
  UpdateClientData,
  ClientChanges,
  ClientCommand,
} from './client-commands';
export type {
  CreateClientGrant,
  CreateClientGrantData,
  DeleteClientGrant,
  DeleteClientGrantData,
  ClientGrantCommand,
} from './client-grant-commands';
export type { ClientState, NoClient, ActiveClient, DeletedClient } from './client-state';
export { initialClientState, isActiveClient, evolveClient } from './client-state';
export type { ClientGrantState, NoClientGrant, ActiveClientGrant, DeletedClientGrant } from './client-grant-state';
export { initialClientGrantState, isActiveClientGrant, evolveClientGrant } from './client-grant-state';
export { decideClient, MAX_SECRET_FIELD_LENGTH } from './client-decide';
export { MAX_ALLOWED_CLIENTS } from './client-input';
export { decideClientGrant, MAX_AUDIENCE_LENGTH, MAX_GRANT_SCOPES } from './client-grant-decide';
export { clientDecider, clientGrantDecider } from './deciders';
export {
  APP_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  SIGNING_ALGS,
  KNOWN_GRANT_TYPES,
  CONFIDENTIAL_ONLY_GRANT_TYPES,
  DEFAULT_JWT_ALG,
  DEFAULT_JWT_LIFETIME_IN_SECONDS,
  MIN_JWT_LIFETIME_IN_SECONDS,
  MAX_JWT_LIFETIME_IN_SECONDS,
  resolveTokenEndpointAuthMethod,
  isPublicClient,
  defaultGrantTypes,
  grantTypesOfRegistration,
  DELEGATION_REFRESH_TOKEN_GRANT,
  DELEGATION_ID_TOKEN_GRANT,
} from './client-defaults';
export type { ClientErrorCode, ClientArgument } from './errors';
export {
  ClientDomainError,
  ClientSecretRequiredError,
  ClientSecretNotAllowedError,
  Hs256RequiresConfidentialClientError,
  SealedSecretRequiredError,
  SealedSecretNotAllowedError,
  GrantTypeNotAllowedError,
  ClientAlreadyExistsError,
  ClientNotFoundError,
  ClientGrantAlreadyExistsError,
  ClientGrantNotFoundError,
} from './errors';
export type { RefreshTokenPolicy, RefreshTokenPolicyInput, RotationType, ExpirationType } from './refresh-token-policy';
export {
  ROTATION_TYPES,
  EXPIRATION_TYPES,
  MAX_LEEWAY_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  DEFAULT_IDLE_TOKEN_LIFETIME_SECONDS,
  LEGACY_REFRESH_TOKEN_POLICY,
  defaultRefreshTokenPolicy,
  resolveRefreshTokenPolicy,
  recordedRefreshTokenPolicy,
} from './refresh-token-policy';
