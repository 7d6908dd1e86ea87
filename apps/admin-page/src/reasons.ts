/**
 * Revocation reasons the service records by itself, in words. The codes and
 * the cap come from the domain (plain constants, bundled as they are), so the
 * page cannot name a reason or a number the service no longer uses.
 */
import { MAX_TOKENS_PER_USER_AND_CLIENT } from '../../../libs/refresh-tokens/src/cap';
import { REVOCATION_REASONS } from '../../../libs/refresh-tokens/src/revocation-reasons';

const WORDS: Readonly<Record<string, string>> = {
  [REVOCATION_REASONS.reuseDetected]: 'reuse detected — family revoked',
  [REVOCATION_REASONS.evicted]: `evicted: over ${MAX_TOKENS_PER_USER_AND_CLIENT} tokens for this user and application`,
};

/** The words for a reason the service records by itself; null for any other (a caller's own reason is shown as given). */
export function reasonWords(reason: string): string | null {
  return Object.hasOwn(WORDS, reason) ? WORDS[reason]! : null;
}

/** A spent token presented again: the whole family was revoked, which an administrator must notice. */
export const isReuse = (reason: string | null | undefined): boolean => reason === REVOCATION_REASONS.reuseDetected;

export const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
