import { RefreshTokenEvent } from './events';
import { familyAtIssuance, RefreshTokenState } from './state';

/**
 * Folds one recorded event into the state. Pure; never throws: a recorded
 * event is a fact (style.md §10). Events that cannot follow the current
 * state (an issuance on an existing credential, a revocation before any
 * issuance) leave it unchanged, which keeps the first issuance authoritative
 * and makes revocation final: nothing after `RefreshTokenRevoked` brings a
 * token back (invariant 4), and a second revocation does not overwrite who
 * revoked it first and why. A rotation or a record of use only applies to an
 * active family, and a rotation only to the generation that follows the head.
 */
export function evolve(state: RefreshTokenState, event: RefreshTokenEvent): RefreshTokenState {
  switch (event.type) {
    case 'RefreshTokenIssued': {
      if (state.status !== 'none') return state;
      const { credentialId, tokenHash, clientId, userId, deviceId, deviceName, scope, issuedAt, dpopJkt } = event.data;
      return {
        status: 'active',
        credentialId,
        tokenHash,
        clientId,
        userId,
        deviceId,
        deviceName,
        scope,
        issuedAt,
        ...(dpopJkt !== undefined && { dpopJkt }),
        ...familyAtIssuance(tokenHash),
      };
    }
    case 'RefreshTokenRevoked': {
      if (state.status !== 'active') return state;
      const { revokedAt, revokedBy, reason } = event.data;
      return { ...state, status: 'revoked', revokedAt, revokedBy, reason };
    }
    case 'RefreshTokenRotated': {
      if (state.status !== 'active' || event.data.generation !== state.generation + 1) return state;
      const { tokenHash, previousTokenHash, generation, rotatedAt, expiresAt, idleExpiresAt } = event.data;
      return {
        ...state,
        headHash: tokenHash,
        generation,
        previousHash: previousTokenHash,
        rotatedAt,
        lastExchangedAt: rotatedAt,
        headExchanged: false,
        expiresAt,
        idleExpiresAt,
      };
    }
    case 'RefreshTokenExchanged': {
      if (state.status !== 'active') return state;
      const { exchangedAt, expiresAt, idleExpiresAt } = event.data;
      return { ...state, lastExchangedAt: exchangedAt, headExchanged: true, expiresAt, idleExpiresAt };
    }
    default: {
      const _never: never = event;
      return _never;
    }
  }
}
