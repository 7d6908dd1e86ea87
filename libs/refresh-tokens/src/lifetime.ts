/**
 * A refresh token's lifetimes (product.md "Refresh-token policy"), computed
 * at read time from recorded times and the client's current policy: no
 * timers, no expiry events. One rule for the grants, the read model's
 * presenters and the audit.
 *
 * - absolute: issuance + `tokenLifetime` (fixed when the family starts,
 *   never extended by a rotation);
 * - idle: the last recorded exchange (else issuance) + `idleTokenLifetime`,
 *   renewed by each recorded exchange.
 *
 * Each is the earlier of what the current policy computes and what the last
 * exchange under an expiring policy recorded (RecordedLifetime), so turning
 * expiry off again does not revive a token already exchanged under it.
 */

/** The part of a client's refresh-token policy lifetimes read (structurally the clients domain's RefreshTokenPolicy). */
export interface RefreshTokenLifetimePolicy {
  expirationType: 'non-expiring' | 'expiring';
  /** Seconds. */
  tokenLifetime: number;
  infiniteTokenLifetime: boolean;
  /** Seconds. */
  idleTokenLifetime: number;
  infiniteIdleTokenLifetime: boolean;
}

/** The recorded times the rule reads (ISO-8601; null: never, or nothing recorded). */
export interface FamilyTimes {
  issuedAt: string;
  lastExchangedAt: string | null;
  expiresAt: string | null;
  idleExpiresAt: string | null;
}

/** When the token stops being usable (ISO-8601; null: never on that count). */
export interface Lifetime {
  expiresAt: string | null;
  idleExpiresAt: string | null;
}

/** Longest interval between two records of use, in seconds. */
export const MAX_USE_RECORD_INTERVAL_SECONDS = 60;

const plusSeconds = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();
const earlier = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : Date.parse(a) <= Date.parse(b) ? a : b;

export const hasFiniteAbsoluteLifetime = (policy: RefreshTokenLifetimePolicy): boolean =>
  policy.expirationType === 'expiring' && !policy.infiniteTokenLifetime;
export const hasFiniteIdleLifetime = (policy: RefreshTokenLifetimePolicy): boolean =>
  policy.expirationType === 'expiring' && !policy.infiniteIdleTokenLifetime;

/** The family's lifetimes now, under `policy`. */
export function familyLifetime(times: FamilyTimes, policy: RefreshTokenLifetimePolicy): Lifetime {
  const absolute = hasFiniteAbsoluteLifetime(policy) ? plusSeconds(times.issuedAt, policy.tokenLifetime) : null;
  const idle = hasFiniteIdleLifetime(policy) ? plusSeconds(times.lastExchangedAt ?? times.issuedAt, policy.idleTokenLifetime) : null;
  return { expiresAt: earlier(absolute, times.expiresAt), idleExpiresAt: earlier(idle, times.idleExpiresAt) };
}

/** Whether either lifetime has run out at `now` (an expiry instant is already expired). */
export function isExpired(lifetime: Lifetime, now: Date): boolean {
  const t = now.getTime();
  return (lifetime.expiresAt !== null && t >= Date.parse(lifetime.expiresAt)) || (lifetime.idleExpiresAt !== null && t >= Date.parse(lifetime.idleExpiresAt));
}

/** What an exchange at `now` under `policy` records: the absolute expiry unchanged, the idle one renewed. */
export function lifetimeAfterExchange(times: FamilyTimes, policy: RefreshTokenLifetimePolicy, now: Date): Lifetime {
  const { expiresAt } = familyLifetime(times, policy);
  const idleExpiresAt = hasFiniteIdleLifetime(policy) ? plusSeconds(now.toISOString(), policy.idleTokenLifetime) : null;
  return { expiresAt, idleExpiresAt };
}

/**
 * Whether an exchange of the head of a non-rotating family at `now` records
 * its use (RefreshTokenExchanged): only under an expiring policy, at most once
 * per min(60 s, idle lifetime / 10), or sooner when the absolute expiry to
 * record changed. A non-expiring policy records nothing: the legacy path
 * neither reads the stream nor writes.
 */
export function recordsUse(times: FamilyTimes, policy: RefreshTokenLifetimePolicy, now: Date): boolean {
  if (policy.expirationType !== 'expiring') return false;
  if (times.lastExchangedAt === null) return true;
  if (familyLifetime(times, policy).expiresAt !== times.expiresAt) return true;
  const interval = hasFiniteIdleLifetime(policy) ? Math.min(MAX_USE_RECORD_INTERVAL_SECONDS, policy.idleTokenLifetime / 10) : MAX_USE_RECORD_INTERVAL_SECONDS;
  return now.getTime() - Date.parse(times.lastExchangedAt) >= interval * 1000;
}
