import type { ClientRecord, TokenCredential } from '@app/read-model';
import { credentialValidity } from '@app/refresh-tokens';
import { invalidGrant } from '../../errors/oauth-error';

export const UNKNOWN_REFRESH_TOKEN = 'Unknown or invalid refresh token.';
export const REVOKED_REFRESH_TOKEN = 'The refresh token has been revoked.';

/**
 * The credential found for a refresh token, if `client` may use it. A token
 * of another client is answered like an unknown one (RFC 6749 §10.4: do not
 * confirm its existence); the reason goes to the log.
 */
export function credentialForClient(
  credential: TokenCredential | null,
  client: ClientRecord,
  messages: { revoked: string } = { revoked: REVOKED_REFRESH_TOKEN },
): TokenCredential {
  if (!credential) throw invalidGrant(UNKNOWN_REFRESH_TOKEN, 'no credential with this token hash');
  if (credential.clientId !== client.clientId) {
    throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `credential ${credential.credentialId} belongs to another client`);
  }
  return requireValid(credential, client, messages);
}

/**
 * Revoked, or its client deleted (the cascade may not have landed yet):
 * refused, by the domain's rule. `client` is the credential's client as this
 * request read it (the caller checked they match): it is not read again.
 */
export function requireValid(credential: TokenCredential, client: ClientRecord, messages: { revoked: string }): TokenCredential {
  const validity = credentialValidity(credential.revokedAt !== null ? 'revoked' : 'active', client.deletedAt !== null ? 'deleted' : 'active');
  if (validity === 'revoked') throw invalidGrant(messages.revoked, `credential ${credential.credentialId} revoked`);
  if (validity !== 'valid') throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `client ${credential.clientId} of credential ${credential.credentialId}: ${validity}`);
  return credential;
}
