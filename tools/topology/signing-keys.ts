/**
 * `npm run --silent topology:keys > secrets/signing-keys.json`: a JWKS with
 * one fresh RS256 private signing key, the SIGNING_KEYS_FILE that every
 * replica of docker-compose.yml shares (mounted as a secret). Rotate later
 * with `npm run keys` on a DATA_DIR and copy the keys into this file.
 */
import { generateSigningKey } from '@app/signing';

export async function sharedSigningKeys(): Promise<string> {
  return JSON.stringify({ keys: [await generateSigningKey('RS256', { createdAt: new Date() })] });
}

if (require.main === module) {
  void sharedSigningKeys().then((jwks) => process.stdout.write(`${jwks}\n`));
}
