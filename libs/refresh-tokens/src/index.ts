// Public API of the refresh-token domain (the only index of this lib).
export * from './events';
export type {
  IssueRefreshToken,
  IssueRefreshTokenData,
  RevokeRefreshToken,
  RevokeRefreshTokenData,
  ExchangeRefreshToken,
  ExchangeRefreshTokenData,
  RefreshTokenExchangePolicy,
  RefreshTokenCommand,
} from './commands';
export type {
  RefreshTokenState,
  NoRefreshToken,
  ActiveRefreshToken,
  RevokedRefreshToken,
  IssuedRefreshToken,
  RefreshTokenFamily,
} from './state';
export { initialState } from './state';
export {
  familyLifetime,
  isExpired,
  lifetimeAfterExchange,
  recordsUse,
  hasFiniteAbsoluteLifetime,
  hasFiniteIdleLifetime,
  MAX_USE_RECORD_INTERVAL_SECONDS,
  type RefreshTokenLifetimePolicy,
  type FamilyTimes,
  type Lifetime,
} from './lifetime';
export { REUSE_ACTOR } from './decide-exchange';
export { generateRefreshToken, REFRESH_TOKEN_PREFIX, REFRESH_TOKEN_BYTES, type RandomSource } from './refresh-token-secret';
export { credentialValidity, type CredentialValidity, type OwningClientStatus } from './validity';
export { evolve } from './evolve';
export { decide, MAX_REASON_LENGTH } from './decide';
export { refreshTokenDecider } from './decider';
export { REVOCATION_REASONS, type DefaultRevocationReason } from './revocation-reasons';
export {
  OFFLINE_ACCESS,
  MAX_SCOPE_LENGTH,
  isScopeToken,
  parseScope,
  formatScope,
  hasOfflineAccess,
  narrowScope,
} from './scope';
export type { RefreshTokenErrorCode, RefreshTokenArgument } from './errors';
export {
  RefreshTokenDomainError,
  OfflineAccessRequiredError,
  CredentialAlreadyExistsError,
  CredentialNotFoundError,
  ScopeNotSubsetError,
  DpopBindingRequiredError,
  CredentialRevokedError,
  RefreshTokenExpiredError,
} from './errors';
export { DPOP_JKT_PATTERN } from './dpop-binding';
export { MAX_TOKENS_PER_USER_AND_CLIENT, evictions } from './cap';
