import type { RefreshTokenRevoked } from './events';
import type { ActiveRefreshToken } from './state';

/**
 * The one way a family's revocation is written, whatever revokes it (a
 * caller, a reuse): client, user and device come from issuance (F2), so no
 * command can change them.
 */
export function revocationOf(state: ActiveRefreshToken, reason: string, actor: string, now: Date): RefreshTokenRevoked {
  const { credentialId, clientId, userId, deviceId, deviceName } = state;
  return {
    type: 'RefreshTokenRevoked',
    data: { credentialId, clientId, userId, deviceId, deviceName, reason, revokedBy: actor, revokedAt: now.toISOString() },
  };
}
