import type { CredentialQueries } from '@app/read-model';
import { DataKeyInvalidError, type SecretSealer } from '@app/signing';

/**
 * Start-up check: the data key opens every sealed client secret the read
 * model holds. A wrong `DATA_KEY` (or a replaced `keys/data.key`) would
 * otherwise start fine and fail each HS256 id_token with a 500.
 */
export function assertDataKeyOpensSealedSecrets(queries: CredentialQueries, sealer: SecretSealer): void {
  for (const client of queries.listClients()) {
    if (!client.sealedClientSecret) continue;
    try {
      sealer.open(client.sealedClientSecret, client.clientId);
    } catch (error) {
      const sealedUnder = client.sealedClientSecret.split('.')[1] ?? 'unknown';
      throw new DataKeyInvalidError(
        `the data key (DATA_KEY, else keys/data.key; id ${sealer.keyId}) cannot open the sealed client secret of client ${client.clientId} ` +
          `(sealed under data key id ${sealedUnder}): start with the data key the secrets were sealed with`,
        { cause: error },
      );
    }
  }
}
