/**
 * State of one refresh-token aggregate, folded from its stream by `evolve`.
 * A discriminated union on `status`: every switch over it ends in an
 * exhaustiveness check (style.md §3).
 */

/** What issuance fixed for good (F2, invariant 3). Times are ISO-8601, as in the events. */
export interface IssuedRefreshToken {
  credentialId: string;
  /** Hex SHA-256 of the opaque token (invariant 2: never the plaintext). */
  tokenHash: string;
  clientId: string;
  userId: string;
  deviceId: string;
  deviceName: string;
  /** Canonical space-separated scope; always contains `offline_access`. */
  scope: string;
  issuedAt: string;
}

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

/** Whether the token may be exchanged: issued and never revoked (F3, invariant 4). */
export function isValid(state: RefreshTokenState): state is ActiveRefreshToken {
  switch (state.status) {
    case 'active':
      return true;
    case 'none':
    case 'revoked':
      return false;
    default: {
      const _never: never = state;
      return _never;
    }
  }
}
