/**
 * A client's refresh-token policy: Auth0's `refresh_token` client object
 * (names, defaults and bounds as Auth0 documents them), in the domain's
 * camelCase. The HTTP layer maps `rotation_type` ↔ `rotationType` and so on.
 *
 * A client registered before policies existed has none recorded and keeps
 * the legacy behaviour (`LEGACY_REFRESH_TOKEN_POLICY`), whatever its app
 * type: no flag day. A new registration records its resolved policy.
 */
import { InvalidArgumentError, requireOneOf } from '@app/shared';
import type { AppType } from './events';

export type RotationType = 'non-rotating' | 'rotating';
export type ExpirationType = 'non-expiring' | 'expiring';

export const ROTATION_TYPES: readonly RotationType[] = ['non-rotating', 'rotating'];
export const EXPIRATION_TYPES: readonly ExpirationType[] = ['non-expiring', 'expiring'];

export interface RefreshTokenPolicy {
  rotationType: RotationType;
  expirationType: ExpirationType;
  /** Seconds after a rotation in which the spent predecessor answers the same successor (0–300). */
  leeway: number;
  /** Absolute lifetime in seconds, fixed when the family starts; ignored when `infiniteTokenLifetime`. */
  tokenLifetime: number;
  infiniteTokenLifetime: boolean;
  /** Idle lifetime in seconds, renewed by each exchange; ignored when `infiniteIdleTokenLifetime`. */
  idleTokenLifetime: number;
  infiniteIdleTokenLifetime: boolean;
}

/** What a caller may send: any subset; the rest comes from the base (defaults or the current policy). */
export type RefreshTokenPolicyInput = Partial<RefreshTokenPolicy>;

export const MAX_LEEWAY_SECONDS = 300;
export const MIN_TOKEN_LIFETIME_SECONDS = 1;
/** One year of 365.25 days: Auth0's upper bound. */
export const MAX_TOKEN_LIFETIME_SECONDS = 31_557_600;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 2_592_000;
export const DEFAULT_IDLE_TOKEN_LIFETIME_SECONDS = 1_296_000;

/** Never rotates, never expires: what every client registered before policies existed keeps. */
export const LEGACY_REFRESH_TOKEN_POLICY: Readonly<RefreshTokenPolicy> = Object.freeze({
  rotationType: 'non-rotating',
  expirationType: 'non-expiring',
  leeway: 0,
  tokenLifetime: DEFAULT_TOKEN_LIFETIME_SECONDS,
  infiniteTokenLifetime: true,
  idleTokenLifetime: DEFAULT_IDLE_TOKEN_LIFETIME_SECONDS,
  infiniteIdleTokenLifetime: true,
});

/** The policy a new registration gets when it sends none: legacy, except a `spa` rotates and expires (Auth0). */
export function defaultRefreshTokenPolicy(appType: AppType): RefreshTokenPolicy {
  if (appType !== 'spa') return { ...LEGACY_REFRESH_TOKEN_POLICY };
  return {
    ...LEGACY_REFRESH_TOKEN_POLICY,
    rotationType: 'rotating',
    expirationType: 'expiring',
    infiniteTokenLifetime: false,
    infiniteIdleTokenLifetime: false,
  };
}

/**
 * `input` laid over `base`, checked against Auth0's bounds. Switching
 * `expirationType` without naming the `infinite_*` flags sets them to match
 * (non-expiring ⇒ both infinite; expiring ⇒ both finite). A `spa` cannot be
 * non-expiring. Throws `InvalidArgumentError` naming the field.
 */
export function resolveRefreshTokenPolicy(
  input: RefreshTokenPolicyInput | undefined,
  appType: AppType,
  base: RefreshTokenPolicy = defaultRefreshTokenPolicy(appType),
): RefreshTokenPolicy {
  if (input === undefined) return { ...base };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidArgumentError('refreshToken', 'must be an object');
  }
  const rotationType = input.rotationType === undefined ? base.rotationType : requireOneOf('refreshToken.rotationType', input.rotationType, ROTATION_TYPES);
  const expirationType =
    input.expirationType === undefined ? base.expirationType : requireOneOf('refreshToken.expirationType', input.expirationType, EXPIRATION_TYPES);
  const expirationChanged = expirationType !== base.expirationType;
  const flag = (name: 'infiniteTokenLifetime' | 'infiniteIdleTokenLifetime'): boolean => {
    const value = input[name];
    if (value === undefined) return expirationChanged ? expirationType === 'non-expiring' : base[name];
    if (typeof value !== 'boolean') throw new InvalidArgumentError(`refreshToken.${name}`, 'must be a boolean');
    return value;
  };
  const policy: RefreshTokenPolicy = {
    rotationType,
    expirationType,
    leeway: requireSeconds('leeway', input.leeway ?? base.leeway, 0, MAX_LEEWAY_SECONDS),
    tokenLifetime: requireSeconds('tokenLifetime', input.tokenLifetime ?? base.tokenLifetime, MIN_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS),
    infiniteTokenLifetime: flag('infiniteTokenLifetime'),
    idleTokenLifetime: requireSeconds(
      'idleTokenLifetime',
      input.idleTokenLifetime ?? base.idleTokenLifetime,
      MIN_TOKEN_LIFETIME_SECONDS,
      MAX_TOKEN_LIFETIME_SECONDS,
    ),
    infiniteIdleTokenLifetime: flag('infiniteIdleTokenLifetime'),
  };
  if (policy.expirationType === 'non-expiring' && (!policy.infiniteTokenLifetime || !policy.infiniteIdleTokenLifetime)) {
    throw new InvalidArgumentError('refreshToken.expirationType', 'non-expiring requires infinite token and idle lifetimes');
  }
  if (appType === 'spa' && policy.expirationType === 'non-expiring') {
    throw new InvalidArgumentError('refreshToken.expirationType', 'a spa client cannot have non-expiring refresh tokens');
  }
  if (!policy.infiniteTokenLifetime && !policy.infiniteIdleTokenLifetime && policy.idleTokenLifetime > policy.tokenLifetime) {
    throw new InvalidArgumentError('refreshToken.idleTokenLifetime', 'must not exceed tokenLifetime');
  }
  return policy;
}

/** The policy a recorded registration or update names, or the legacy one when it names none. */
export function recordedRefreshTokenPolicy(recorded: RefreshTokenPolicy | undefined): RefreshTokenPolicy {
  return recorded === undefined ? { ...LEGACY_REFRESH_TOKEN_POLICY } : { ...recorded };
}

function requireSeconds(field: keyof RefreshTokenPolicy, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`refreshToken.${field}`, `must be a whole number of seconds in ${min}..${max}`);
  }
  return value;
}
