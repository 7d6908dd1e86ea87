import { InvalidArgumentError, requireInstant, requireOneOf, requireText } from '@app/shared';
import type { ExchangeRefreshToken, RefreshTokenExchangePolicy } from './commands';
import { CredentialNotFoundError, CredentialRevokedError, type RefreshTokenArgument, RefreshTokenExpiredError } from './errors';
import type { RefreshTokenExchanged, RefreshTokenRevoked, RefreshTokenRotated } from './events';
import { familyLifetime, isExpired, lifetimeAfterExchange, recordsUse } from './lifetime';
import { revocationOf } from './revocation-event';
import { REVOCATION_REASONS } from './revocation-reasons';
import type { ActiveRefreshToken, RefreshTokenState } from './state';

// Lowercase only: the handler's `digest('hex')` form, so hashes compare as strings.
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Who revokes a family for reuse: the service itself. */
export const REUSE_ACTOR = 'system';

/**
 * An exchange of a presented secret of this family (product.md "Rotation",
 * "Overlap window", "Reuse", "Lifetimes"):
 * - expired (absolute or idle, by lifetime.ts) → refused, nothing appended;
 * - the head → a rotation (rotating policy), a record of use (expiring,
 *   at most once per interval), or nothing (legacy);
 * - the immediate predecessor, within `leeway` seconds of the rotation, its
 *   successor not yet exchanged → nothing: the handler answers that same
 *   successor again (what a concurrent loser sees after its conflict);
 * - any other secret of the family → the family is revoked, reason
 *   `reuse_detected` (the handler refuses the exchange).
 */
export function exchange(
  { data }: ExchangeRefreshToken,
  state: RefreshTokenState,
): Array<RefreshTokenRotated | RefreshTokenExchanged | RefreshTokenRevoked> {
  const credentialId = requireText('credentialId', data.credentialId);
  const presentedHash = requireHash('presentedHash', data.presentedHash);
  const successorHash = requireHash('successorHash', data.successorHash);
  const policy = requirePolicy(data.policy);
  const now = requireInstant(data.now);

  switch (state.status) {
    case 'none':
      throw new CredentialNotFoundError(credentialId);
    case 'revoked':
      throw new CredentialRevokedError(credentialId);
    case 'active':
      break;
    default: {
      const _never: never = state;
      return _never;
    }
  }
  if (state.credentialId !== credentialId) {
    throw new InvalidArgumentError<RefreshTokenArgument>('credentialId', 'does not match the loaded credential');
  }

  const lifetime = familyLifetime(state, policy);
  if (isExpired(lifetime, now)) {
    throw new RefreshTokenExpiredError(credentialId, earliest(lifetime.expiresAt, lifetime.idleExpiresAt));
  }

  if (presentedHash === state.headHash) {
    if (successorHash === state.headHash) throw new InvalidArgumentError<RefreshTokenArgument>('successorHash', 'must differ from the presented hash');
    if (policy.rotationType === 'rotating') return [rotated(state, successorHash, policy, now)];
    if (!recordsUse(state, policy, now)) return [];
    return [{ type: 'RefreshTokenExchanged', data: { credentialId, exchangedAt: now.toISOString(), ...lifetimeAfterExchange(state, policy, now) } }];
  }

  if (presentedHash === state.previousHash && inWindow(state, policy, now)) {
    // The handler derived the successor from the presented secret: it must be the head that followed it.
    if (successorHash !== state.headHash) {
      throw new InvalidArgumentError<RefreshTokenArgument>('successorHash', 'is not the head that followed the presented secret');
    }
    return [];
  }

  return [revocationOf(state, REVOCATION_REASONS.reuseDetected, REUSE_ACTOR, now)];
}

/**
 * Inside the overlap window: the head not yet exchanged, and `now` at most
 * `leeway` seconds after the rotation. A request stamped before the rotation
 * raced with it (it did not reuse a spent secret), so it is inside too, even
 * with a leeway of 0.
 */
function inWindow(state: ActiveRefreshToken, policy: RefreshTokenExchangePolicy, now: Date): boolean {
  if (state.rotatedAt === null || state.headExchanged) return false;
  return now.getTime() <= Date.parse(state.rotatedAt) + policy.leeway * 1000;
}

function rotated(state: ActiveRefreshToken, successorHash: string, policy: RefreshTokenExchangePolicy, now: Date): RefreshTokenRotated {
  const { credentialId, clientId, userId, deviceId } = state;
  return {
    type: 'RefreshTokenRotated',
    data: {
      credentialId,
      clientId,
      userId,
      deviceId,
      generation: state.generation + 1,
      tokenHash: successorHash,
      previousTokenHash: state.headHash,
      rotatedAt: now.toISOString(),
      ...lifetimeAfterExchange(state, policy, now),
    },
  };
}

const earliest = (a: string | null, b: string | null): string =>
  a === null ? (b as string) : b === null ? a : Date.parse(a) <= Date.parse(b) ? a : b;

function requireHash(field: 'presentedHash' | 'successorHash', value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) {
    throw new InvalidArgumentError<RefreshTokenArgument>(field, 'must be 64 lowercase hex characters (SHA-256)');
  }
  return value;
}

function requirePolicy(policy: RefreshTokenExchangePolicy): RefreshTokenExchangePolicy {
  if (policy === null || typeof policy !== 'object') throw new InvalidArgumentError<RefreshTokenArgument>('policy', 'must be an object');
  requireOneOf('policy', policy.rotationType, ['non-rotating', 'rotating'] as const);
  requireOneOf('policy', policy.expirationType, ['non-expiring', 'expiring'] as const);
  for (const seconds of [policy.leeway, policy.tokenLifetime, policy.idleTokenLifetime]) {
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new InvalidArgumentError<RefreshTokenArgument>('policy', 'lifetimes and leeway must be whole seconds');
  }
  if (typeof policy.infiniteTokenLifetime !== 'boolean' || typeof policy.infiniteIdleTokenLifetime !== 'boolean') {
    throw new InvalidArgumentError<RefreshTokenArgument>('policy', 'the infinite flags must be booleans');
  }
  return policy;
}
