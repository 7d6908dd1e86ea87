import { cryptoIds, type IdGenerator } from '@app/shared';

/**
 * Public ids in Auth0's shapes. Not secrets, but unguessable so that knowing
 * one id tells nothing about another. Made through the service's IdGenerator.
 */

export const CREDENTIAL_ID_PREFIX = 'dcr_';

/** A device credential id like Auth0's: `dcr_` + 16 alphanumerics (~95 bits). Also the id_token `sid`. */
export function generateCredentialId(ids: IdGenerator = cryptoIds): string {
  return `${CREDENTIAL_ID_PREFIX}${ids.alphanumeric(16)}`;
}

/** A client id like Auth0's: 32 alphanumerics (~190 bits). */
export function generateClientId(ids: IdGenerator = cryptoIds): string {
  return ids.alphanumeric(32);
}
