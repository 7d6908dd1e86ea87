import { MAX_TEXT_LENGTH, textProblem } from '@app/shared/text';
import { ClientArgument, InvalidClientArgumentError } from './errors';

export { MAX_TEXT_LENGTH } from '@app/shared/text';

/** The shared text rule (`@app/shared/text`), refused as INVALID_ARGUMENT naming the field. */
export function requireSaneText(field: ClientArgument, value: unknown, max: number = MAX_TEXT_LENGTH): string {
  const problem = textProblem(value, max);
  if (problem) throw new InvalidClientArgumentError(field, problem);
  return value as string;
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
