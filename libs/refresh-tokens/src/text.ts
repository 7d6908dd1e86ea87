import { InvalidRefreshTokenArgumentError, RefreshTokenArgument } from './errors';

/** Upper bound of identifiers and labels (ids, device name, actor, reason). */
export const MAX_TEXT_LENGTH = 256;

// C0, DEL and C1 controls: they corrupt logs, headers and the admin page.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A "sane" text field: a string of 1..max characters with no control
 * character and no leading or trailing whitespace (which would make two
 * values that look alike compare unequal). Throws INVALID_ARGUMENT naming the field.
 */
export function requireSaneText(field: RefreshTokenArgument, value: unknown, max: number = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRefreshTokenArgumentError(field, 'must be a non-empty string');
  }
  if (value.length > max) {
    throw new InvalidRefreshTokenArgumentError(field, `must be at most ${max} characters`);
  }
  if (CONTROL_CHARACTERS.test(value)) {
    throw new InvalidRefreshTokenArgumentError(field, 'must not contain control characters');
  }
  if (value.trim() !== value) {
    throw new InvalidRefreshTokenArgumentError(field, 'must not start or end with whitespace');
  }
  return value;
}

/**
 * A valid instant; `Date#toISOString` would throw a RangeError on an invalid
 * one. Checked by tag rather than `instanceof`, which fails across realms.
 */
export function requireInstant(value: unknown): Date {
  if (!isDate(value) || Number.isNaN(value.getTime())) {
    throw new InvalidRefreshTokenArgumentError('now', 'must be a valid Date');
  }
  return value;
}

const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === '[object Date]';
