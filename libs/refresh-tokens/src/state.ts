/**
 * State of one refresh-token aggregate, folded from its stream by `evolve`.
 * A discriminated union on `status`: every switch over it ends in an
 * exhaustiveness check (style.md §3).
 */

import type { RefreshTokenIssuedData } from './events';

/** What issuance fixed for good (F2, invariant 3): exactly the issued event's data, times ISO-8601. */
export type IssuedRefreshToken = RefreshTokenIssuedData;

/**
 * The family's moving parts: its head secret (a rotation replaces it), the
 * one it replaced, and the times the lifetime rule reads. At issuance the
 * head is the issued hash, generation 0, nothing exchanged or recorded.
 */
export interface RefreshTokenFamily {
  /** Hex SHA-256 of the family's current secret (the issued one until the first rotation). */
  headHash: string;
  /** 0 at issuance, +1 per rotation. */
  generation: number;
  /** The secret the last rotation spent; null before any rotation. */
  previousHash: string | null;
  /** ISO-8601 of the last rotation; null before any. */
  rotatedAt: string | null;
  /** ISO-8601 of the last recorded exchange (rotation or record of use); null when never. */
  lastExchangedAt: string | null;
  /** Whether the head itself has been exchanged (a record of use) since it became the head. */
  headExchanged: boolean;
  /** The absolute expiry recorded by the last exchange under an expiring policy; null when none. */
  expiresAt: string | null;
  /** The idle expiry recorded by the last exchange; null when none. */
  idleExpiresAt: string | null;
}

/** No event yet: the credential does not exist. */
export interface NoRefreshToken {
  status: 'none';
}

/** Issued and not revoked: valid unless its lifetime (lifetime.ts) has run out. */
export interface ActiveRefreshToken extends IssuedRefreshToken, RefreshTokenFamily {
  status: 'active';
}

/** Revoked: final (invariant 4). Records the first revocation only. */
export interface RevokedRefreshToken extends IssuedRefreshToken, RefreshTokenFamily {
  status: 'revoked';
  revokedAt: string;
  revokedBy: string;
  reason: string;
}

export type RefreshTokenState = NoRefreshToken | ActiveRefreshToken | RevokedRefreshToken;

/** The state of a stream with no events. */
export const initialState = (): RefreshTokenState => ({ status: 'none' });

/** The family of a just-issued token. */
export const familyAtIssuance = (tokenHash: string): RefreshTokenFamily => ({
  headHash: tokenHash,
  generation: 0,
  previousHash: null,
  rotatedAt: null,
  lastExchangedAt: null,
  headExchanged: false,
  expiresAt: null,
  idleExpiresAt: null,
});
