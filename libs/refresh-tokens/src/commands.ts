/**
 * Commands of the refresh-token aggregate: data with literal names, in the
 * imperative (style.md §2). Hashing, id generation and the clock stay in the
 * handler and arrive here as data (style.md §4, §5).
 */
import type { RefreshTokenLifetimePolicy } from './lifetime';

export interface IssueRefreshTokenData {
  /** Public id of the new device credential, chosen by the handler. */
  credentialId: string;
  /** Lowercase hex SHA-256 of the opaque token (64 characters). */
  tokenHash: string;
  clientId: string;
  userId: string;
  /** Required here: defaulting an absent device id is the handler's job. */
  deviceId: string;
  deviceName: string;
  /** Space-separated scope (RFC 6749 §3.3); must contain `offline_access`. */
  scope: string;
  now: Date;
  /** F15: the RFC 7638 thumbprint of the key the token is bound to (DPoP); absent: unbound. */
  dpopJkt?: string;
  /** The client's policy as the handler read it: true refuses an unbound token. */
  clientRequiresProofOfPossession?: boolean;
}

export interface RevokeRefreshTokenData {
  credentialId: string;
  /** Who: management client id, the client that called /oauth/revoke, `system` for a cascade. */
  actor: string;
  /** Why: the caller's reason or the path's default (REVOCATION_REASONS). */
  reason: string;
  now: Date;
}

/** The client's policy as the exchange reads it (structurally the clients domain's RefreshTokenPolicy). */
export interface RefreshTokenExchangePolicy extends RefreshTokenLifetimePolicy {
  rotationType: 'non-rotating' | 'rotating';
  /** Seconds after a rotation in which the spent predecessor answers the same successor. */
  leeway: number;
}

/**
 * A refresh token presented at an exchange (`/oauth/token`, `/delegation`).
 * The handler found the family by the presented hash and derived the
 * successor that would follow it; the decider sees hashes only.
 */
export interface ExchangeRefreshTokenData {
  credentialId: string;
  /** Hex SHA-256 of the presented token. */
  presentedHash: string;
  /** Hex SHA-256 of the successor derived from the presented token (its generation + 1). */
  successorHash: string;
  /** The owning client's policy now. */
  policy: RefreshTokenExchangePolicy;
  now: Date;
}

export type IssueRefreshToken = { type: 'IssueRefreshToken'; data: IssueRefreshTokenData };
export type ExchangeRefreshToken = { type: 'ExchangeRefreshToken'; data: ExchangeRefreshTokenData };
export type RevokeRefreshToken = { type: 'RevokeRefreshToken'; data: RevokeRefreshTokenData };
export type RefreshTokenCommand = IssueRefreshToken | RevokeRefreshToken | ExchangeRefreshToken;
