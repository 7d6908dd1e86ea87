/**
 * "May this credential be used?", the one rule (F3, invariant 4, product.md
 * DELETE /api/v2/clients/{id}, "Lifetimes"): issued, never revoked, issued to a
 * client that is registered and not deleted, and not expired. The delegation
 * and token endpoints ask it of the read model's records, the audit of the log
 * folded up to an instant; the read model's SQL condition encodes the same
 * rule but the lifetime for its indexes (a lifetime depends on the clock and
 * the client's policy: it is judged per record, with lifetime.ts) and is
 * tested against this function.
 */
import type { RefreshTokenState } from './state';

/** The owning client's lifecycle, as the client registry's state names it. */
export type OwningClientStatus = 'none' | 'active' | 'deleted';

/** The answer, with its reason. */
export type CredentialValidity = 'valid' | 'not_issued' | 'revoked' | 'client_deleted' | 'client_unknown' | 'expired';

/**
 * The credential's validity given its own status and its client's, and
 * whether its lifetime ran out (lifetime.ts `isExpired`, under the client's
 * policy). When it is both revoked and of a deleted client, `revoked` is
 * answered; a caller that knows which came first (the audit) may name the
 * other. `expired` is answered only of an otherwise valid token.
 */
export function credentialValidity(token: RefreshTokenState['status'], client: OwningClientStatus, expired = false): CredentialValidity {
  switch (token) {
    case 'none':
      return 'not_issued';
    case 'revoked':
      return 'revoked';
    case 'active':
      if (client !== 'active') return client === 'deleted' ? 'client_deleted' : 'client_unknown';
      return expired ? 'expired' : 'valid';
    default: {
      const _never: never = token;
      return _never;
    }
  }
}
