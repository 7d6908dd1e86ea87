/**
 * State of one refresh-token aggregate, folded from its stream by `evolve`.
 * A discriminated union on `status`: every switch over it ends in an
 * exhaustiveness check (style.md §3).
 */

import type { RefreshTokenIssuedData } from './events';

/** What issuance fixed for good (F2, invariant 3): exactly the issued event's data, times ISO-8601. */
export type IssuedRefreshToken = RefreshTokenIssuedData;

/** No event yet: the credential does not exist. */
export interface NoRefreshToken {
  status: 'none';
}

/** Issued and not revoked: valid (F3, no expiry). */
export interface ActiveRefreshToken extends IssuedRefreshToken {
  status: 'active';
}

/** Revoked: final (invariant 4). Records the first revocation only. */
export interface RevokedRefreshToken extends IssuedRefreshToken {
  status: 'revoked';
  revokedAt: string;
  revokedBy: string;
  reason: string;
}

export type RefreshTokenState = NoRefreshToken | ActiveRefreshToken | RevokedRefreshToken;

/** The state of a stream with no events. */
export const initialState = (): RefreshTokenState => ({ status: 'none' });
