/**
 * Base of every error with a stable code (style.md §8, after jose's
 * `util/errors`): tests and the HTTP edge match on `code`, never on messages.
 * Each lib narrows `C` to its literal union of codes. Pure TypeScript, so the
 * domain libs may import it (by this path, not through the lib's index).
 */
export abstract class CodedError<C extends string = string> extends Error {
  abstract readonly code: C;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The one error for a bad argument of any lib (missing, blank, too long,
 * malformed, out of range): the caller's mistake, answered 400. `field` names
 * the command field; a lib narrows `F` to its fields.
 */
export class InvalidArgumentError<F extends string = string> extends CodedError<'INVALID_ARGUMENT'> {
  readonly code = 'INVALID_ARGUMENT' as const;
  constructor(
    readonly field: F,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}
