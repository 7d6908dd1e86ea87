import { ClientArgument, InvalidClientArgumentError } from './errors';

/** Upper bound of identifiers and names. */
export const MAX_TEXT_LENGTH = 256;

// C0, DEL and C1 controls: they corrupt logs, headers and the admin page.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A "sane" text field: a string of 1..max characters with no control
 * character and no leading or trailing whitespace. Throws INVALID_ARGUMENT
 * naming the field. (The refresh-token lib has its twin: domain libs share
 * nothing but the language.)
 */
export function requireSaneText(field: ClientArgument, value: unknown, max: number = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidClientArgumentError(field, 'must be a non-empty string');
  }
  if (value.length > max) {
    throw new InvalidClientArgumentError(field, `must be at most ${max} characters`);
  }
  if (CONTROL_CHARACTERS.test(value)) {
    throw new InvalidClientArgumentError(field, 'must not contain control characters');
  }
  if (value.trim() !== value) {
    throw new InvalidClientArgumentError(field, 'must not start or end with whitespace');
  }
  return value;
}

/** A valid instant (checked by tag: `instanceof` fails across realms). */
export function requireInstant(value: unknown): Date {
  if (Object.prototype.toString.call(value) !== '[object Date]' || Number.isNaN((value as Date).getTime())) {
    throw new InvalidClientArgumentError('now', 'must be a valid Date');
  }
  return value as Date;
}

/** `value` is one of `allowed`, else INVALID_ARGUMENT naming the field. */
export function requireOneOf<T extends string>(field: ClientArgument, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidClientArgumentError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
