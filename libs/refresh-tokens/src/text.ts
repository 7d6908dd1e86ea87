import { MAX_TEXT_LENGTH, textProblem } from '@app/shared/text';
import { InvalidRefreshTokenArgumentError, RefreshTokenArgument } from './errors';

export { MAX_TEXT_LENGTH } from '@app/shared/text';

/** The shared text rule (`@app/shared/text`), refused as INVALID_ARGUMENT naming the field. */
export function requireSaneText(field: RefreshTokenArgument, value: unknown, max: number = MAX_TEXT_LENGTH): string {
  const problem = textProblem(value, max);
  if (problem) throw new InvalidRefreshTokenArgumentError(field, problem);
  return value as string;
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
