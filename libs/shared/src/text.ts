/**
 * The one rule for text the service accepts (ids, names, reasons): the domain
 * libs refuse a field with `requireText` (InvalidArgumentError), the HTTP edge
 * refuses it with `textProblem` before a command is built. Pure TypeScript.
 */
import { InvalidArgumentError } from './coded-error';

/** Upper bound of identifiers and labels (ids, names, device name, actor, reason). */
export const MAX_TEXT_LENGTH = 256;

// Cc (C0, DEL, C1) corrupt logs, headers and the admin page; Cf (bidi
// overrides U+202E, zero-width U+200B, BOM U+FEFF, ...) make two values that
// look alike compare unequal or display reversed; Zl/Zp split log lines.
const CONTROL = /\p{Cc}/u;
const FORMAT = /\p{Cf}/u;
const LINE_SEPARATOR = /[\p{Zl}\p{Zp}]/u;
// A lone surrogate half (String#isWellFormed is ES2024; this is its definition).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePoint = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` is refused as a character sequence (well-formed, no control, format or line-separator character), or undefined. */
export function characterProblem(value: string): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogate)';
  const control = CONTROL.exec(value);
  if (control) return `must not contain control characters (${codePoint(control[0])})`;
  const format = FORMAT.exec(value) ?? LINE_SEPARATOR.exec(value);
  if (format) return `must not contain format or separator characters (${codePoint(format[0])})`;
  return undefined;
}

/**
 * Why `value` is not a sane text field, or undefined: a string of 1..max
 * UTF-16 units, passing `characterProblem`, with no leading or trailing
 * whitespace (two values that look alike would compare unequal).
 */
export function textProblem(value: unknown, max: number = MAX_TEXT_LENGTH): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > max) return `must be at most ${max} characters`;
  const characters = characterProblem(value);
  if (characters) return characters;
  if (value.trim() !== value) return 'must not start or end with whitespace';
  return undefined;
}

/** `value` if it passes the text rule, else InvalidArgumentError naming `field`. */
export function requireText<F extends string>(field: F, value: unknown, max: number = MAX_TEXT_LENGTH): string {
  const problem = textProblem(value, max);
  if (problem) throw new InvalidArgumentError(field, problem);
  return value as string;
}

/** `value` if it is one of `allowed`, else InvalidArgumentError naming `field`. */
export function requireOneOf<F extends string, T extends string>(field: F, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * A valid instant (a command's `now`); `Date#toISOString` would throw a
 * RangeError on an invalid one. Checked by tag: `instanceof` fails across realms.
 */
export function requireInstant(value: unknown, field = 'now'): Date {
  if (Object.prototype.toString.call(value) !== '[object Date]' || Number.isNaN((value as Date).getTime())) {
    throw new InvalidArgumentError(field, 'must be a valid Date');
  }
  return value as Date;
}
