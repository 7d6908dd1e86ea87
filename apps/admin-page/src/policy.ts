/**
 * A client's refresh-token policy, and what it means for one token, in words:
 * "rotating, expires", "legacy: never expires", lifetimes as durations.
 */
import type { z } from 'zod';
import type { refreshTokenPolicySchema } from '../../token-service/src/management/refresh-token-schemas';
import type { RefreshToken } from './api';

/** A client's `refresh_token` object, by the server's schema. */
export type Policy = z.output<typeof refreshTokenPolicySchema>;

const UNITS: ReadonlyArray<[seconds: number, name: string]> = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
];

/** "30 days", "90 minutes", "1 second": the largest unit that divides it exactly. */
export function duration(seconds: number): string {
  const [size, name] = UNITS.find(([size]) => seconds >= size && seconds % size === 0) ?? [1, 'second'];
  const n = seconds / size;
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}

/** The four policies in words; the non-rotating, non-expiring one is what clients registered before policies keep. */
export function policySummary(rotating: boolean, expiring: boolean): string {
  if (rotating) return expiring ? 'rotating, expires' : 'rotating, never expires';
  return expiring ? 'non-rotating, expires' : 'legacy: never expires';
}

/**
 * A token's policy in words: rotation as its client rotates now; it expires
 * when either expiry applies to it or its client's policy is expiring (the
 * policy, when this session could read its client; a token can keep an
 * expiry recorded under an earlier policy).
 */
export function tokenPolicySummary(token: RefreshToken, policy: Policy | null): string {
  const expiring = token.expires_at !== null || token.idle_expires_at !== null || policy?.expiration_type === 'expiring';
  return policySummary(token.rotating, expiring);
}

/** The facts of a client's policy, in the applications view's order. */
export function policyFacts(policy: Policy, requireProofOfPossession: boolean): Array<[term: string, value: string]> {
  const rotating = policy.rotation_type === 'rotating';
  const expiring = policy.expiration_type === 'expiring';
  const lifetime = (infinite: boolean, seconds: number) => (!expiring ? 'never (non-expiring)' : infinite ? 'infinite' : duration(seconds));
  return [
    ['Refresh tokens', policySummary(rotating, expiring)],
    ['Rotation', rotating ? 'rotating: each exchange answers a new token' : 'non-rotating'],
    ['Reuse leeway', rotating ? duration(policy.leeway) : 'not used (non-rotating)'],
    ['Absolute lifetime', lifetime(policy.infinite_token_lifetime, policy.token_lifetime)],
    ['Idle lifetime', lifetime(policy.infinite_idle_token_lifetime, policy.idle_token_lifetime)],
    ['Proof of possession', requireProofOfPossession ? 'required: DPoP-bound tokens only' : 'not required'],
  ];
}
