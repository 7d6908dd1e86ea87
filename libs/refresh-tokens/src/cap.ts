/**
 * The per-(user, client) cap (product.md "Cap"): at most this many valid
 * tokens; issuing one more evicts the oldest (reason `evicted`), for any
 * client, legacy included.
 */
export const MAX_TOKENS_PER_USER_AND_CLIENT = 200;

/**
 * Which credentials to evict, given the (user, client)'s unrevoked credential
 * ids in issue order (oldest first), the new one included: the oldest beyond
 * the cap. Evicting every one beyond it, not just one, lets a count that a
 * concurrent issuance pushed past the cap converge at the next issuance.
 */
export function evictions(unrevokedInIssueOrder: readonly string[], cap = MAX_TOKENS_PER_USER_AND_CLIENT): string[] {
  return unrevokedInIssueOrder.slice(0, Math.max(0, unrevokedInIssueOrder.length - cap));
}
