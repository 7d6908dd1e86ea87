/**
 * Arithmetic on tree sizes and indexes. Plain numbers (sizes stay far below
 * 2^53), so halving is division, never a 32-bit shift.
 */

/** The largest power of two strictly below `n` (n ≥ 2): RFC 9162's split point `k`. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** True when `n` is 2^j for some j ≥ 0. */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n)) && 2 ** Math.log2(n) === n;
}

/** A non-negative safe integer (a size or an index). */
export function isTreeNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
