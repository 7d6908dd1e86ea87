/**
 * "May this credential be used?", the one rule (F3, invariant 4, product.md
 * DELETE /api/v2/clients/{id}): issued, never revoked, and issued to a client
 * that is registered and not deleted. The delegation and token endpoints ask
 * it of the read model's records, the audit of the log folded up to an
 * instant; the read model's SQL condition encodes the same rule for its
 * indexes and is tested against this function.
 */
import type { RefreshTokenState } from './state';

/** The owning client's lifecycle, as the client registry's state names it. */
export type OwningClientStatus = 'none' | 'active' | 'deleted';

/** The answer, with its reason. */
export type CredentialValidity = 'valid' | 'not_issued' | 'revoked' | 'client_deleted' | 'client_unknown';

/**
 * The credential's validity given its own status and its client's. When it is
 * both revoked and of a deleted client, `revoked` is answered; a caller that
 * knows which came first (the audit) may name the other.
 */
export function credentialValidity(token: RefreshTokenState['status'], client: OwningClientStatus): CredentialValidity {
  switch (token) {
    case 'none':
      return 'not_issued';
    case 'revoked':
      return 'revoked';
    case 'active':
      return client === 'active' ? 'valid' : client === 'deleted' ? 'client_deleted' : 'client_unknown';
    default: {
      const _never: never = token;
      return _never;
    }
  }
}
