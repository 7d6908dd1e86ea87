import { CredentialQueries, MAX_PER_PAGE } from '../credential-queries';
import type { CredentialRecord } from '../records';

/**
 * The valid credential with this token hash, or null: the specs' oracle of the
 * read model's "valid" rule, through the listing the service uses (the same SQL
 * condition), so the lib need not export a lookup nothing else calls.
 */
export function findValidByTokenHash(queries: CredentialQueries, tokenHash: string): CredentialRecord | null {
  const { credentials } = queries.listValidDeviceCredentials({ page: 0, perPage: MAX_PER_PAGE });
  return credentials.find((credential) => credential.tokenHash === tokenHash) ?? null;
}
