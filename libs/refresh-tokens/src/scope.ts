import { ScopeNotSubsetError } from './errors';

/** The scope value that asks for a refresh token (OpenID Connect Core §11; F1). */
export const OFFLINE_ACCESS = 'offline_access';

/** Upper bound of a whole space-separated scope string. */
export const MAX_SCOPE_LENGTH = 2048;

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), i.e. printable
// ASCII but space, double quote and backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Whether `token` is one RFC 6749 §3.3 scope-token. */
export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token);
}

/**
 * Splits a space-separated scope (RFC 6749 §3.3) into its tokens, in order,
 * without duplicates. Runs of spaces are tolerated; `undefined`, `null` and a
 * blank string give `[]`. It does not check the token syntax: see `isScopeToken`.
 */
export function parseScope(scope: string | null | undefined): string[] {
  if (scope === undefined || scope === null) return [];
  return [...new Set(scope.split(' ').filter((token) => token.length > 0))];
}

/** The canonical string of a scope: its tokens joined by one space. */
export function formatScope(tokens: readonly string[]): string {
  return tokens.join(' ');
}

/** Whether the scope contains the exact token `offline_access` (not a substring such as `offline_access_x`). */
export function hasOfflineAccess(scope: string | readonly string[]): boolean {
  const tokens = typeof scope === 'string' ? parseScope(scope) : scope;
  return tokens.includes(OFFLINE_ACCESS);
}

/**
 * The scope of a refresh request (RFC 6749 §6): "The requested scope MUST NOT
 * include any scope not originally granted by the resource owner, and if
 * omitted is treated as equal to the scope originally granted".
 *
 * @param granted the space-separated scope recorded at issuance
 * @param requested the `scope` parameter of the request, if any
 * @returns the canonical requested scope (order of the request, duplicates
 *   dropped), or the canonical granted scope when `requested` is absent or blank
 * @throws ScopeNotSubsetError (`SCOPE_NOT_SUBSET`) naming the tokens not granted
 */
export function narrowScope(granted: string, requested?: string | null): string {
  const grantedTokens = parseScope(granted);
  const requestedTokens = parseScope(requested);
  if (requestedTokens.length === 0) return formatScope(grantedTokens);
  const grantedSet = new Set(grantedTokens);
  const notGranted = requestedTokens.filter((token) => !grantedSet.has(token));
  if (notGranted.length > 0) throw new ScopeNotSubsetError(notGranted);
  return formatScope(requestedTokens);
}
