/**
 * `npm run keys -- list | rotate ALG [--not-before ISO-8601 | --in MINUTES] | retire KID [--force]`
 *
 * Key rotation without downtime (F7): `rotate` publishes a new key at once
 * (JWKS) and lets it sign from `--not-before`; every running token-service
 * re-reads DATA_DIR/keys within KEYS_RELOAD_INTERVAL_MS (60 s). Publish at least
 * the JWKS cache time (5 min) before the key signs, so no verifier meets an
 * unknown kid. `retire` drops an old key from the JWKS, and refuses while a
 * token it signed may be unexpired (see `tokenLifetimeSeconds`) unless `--force`.
 * Keys given through SIGNING_KEYS / SIGNING_KEYS_FILE are managed outside: these commands refuse.
 *
 * Exit codes: 0 done, 1 refused or failed (the error code is printed), 2 usage, a bad variable or a DATA_DIR that does not exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_JWT_LIFETIME_IN_SECONDS } from '@app/clients';
import { ConfigError, loadConfig } from '@app/config';
import { CredentialQueries, READ_MODEL_FILE_NAME, ReadModel } from '@app/read-model';
import { systemClock } from '@app/shared';
import { DataDirMissingError, existingDataDir } from '@app/process';
import { ASYMMETRIC_ALGS, DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS, isAsymmetricAlg, KeyStore } from '@app/signing';

const USAGE = 'usage: keys list | rotate RS256|ES256|EdDSA [--not-before ISO-8601 | --in MINUTES] | retire KID [--force]';

class UsageError extends Error {}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'not-before': { type: 'string' }, in: { type: 'string' }, force: { type: 'boolean' } },
  });
  const [command, arg] = positionals;
  if (!['list', 'rotate', 'retire'].includes(command ?? '')) throw new UsageError('');
  const config = loadConfig(env);
  const provided = Boolean(config.signingKeys || config.signingKeysFile);
  // Keys on disk live in the service's DATA_DIR: never create one because of a typo.
  const dataDir = provided ? config.dataDir : existingDataDir(config.dataDir);
  const keysDir = join(dataDir, 'keys');
  if (!provided && command !== 'rotate' && !existsSync(keysDir)) {
    throw new DataDirMissingError(`no keys in ${keysDir}: the service generates them on its first start`);
  }
  const keys = await KeyStore.open({ dir: keysDir, keysJson: config.signingKeys, keysFile: config.signingKeysFile, clock: systemClock });
  switch (command) {
    case 'list':
      for (const k of keys.list()) {
        process.stdout.write(`${k.kid}\t${k.alg}\t${k.status}\tcreated ${k.createdAt ?? '-'}\tnot before ${k.notBefore ?? '-'}\tretired ${k.retiredAt ?? '-'}\n`);
      }
      return 0;
    case 'rotate': {
      if (!isAsymmetricAlg(arg)) throw new UsageError(`rotate needs one of ${ASYMMETRIC_ALGS.join(', ')}`);
      const notBefore = values['not-before'] ? new Date(values['not-before']) : values.in ? new Date(Date.now() + Number(values.in) * 60_000) : undefined;
      if (notBefore && Number.isNaN(notBefore.getTime())) throw new UsageError('--not-before / --in: not a time');
      const info = await keys.rotate(arg, { notBefore });
      process.stdout.write(`added ${info.kid} (${info.alg}), ${info.status}${info.notBefore ? `, signs from ${info.notBefore}` : ''} in ${keysDir}\n`);
      return 0;
    }
    default: {
      if (!arg) throw new UsageError('retire needs a kid');
      const lifetime = tokenLifetimeSeconds(dataDir);
      if (lifetime.note) process.stderr.write(`keys: ${lifetime.note}\n`);
      const info = await keys.retire(arg, { tokenLifetimeSeconds: lifetime.seconds, reloadIntervalMs: config.keysReloadIntervalMs, force: values.force });
      process.stdout.write(`retired ${info.kid} (${info.alg}) at ${info.retiredAt}${values.force ? ' (forced)' : ''}\n`);
      return 0;
    }
  }
}

/**
 * The longest a token signed by one of our keys lives: the longest id_token
 * lifetime of any client in this node's read model (deleted clients too), and
 * at least the access tokens' 24 h. Without a readable read model, the
 * largest lifetime a client may be given (30 days): conservative.
 */
function tokenLifetimeSeconds(dataDir: string): { seconds: number; note?: string } {
  let readModel: ReadModel | undefined;
  try {
    readModel = ReadModel.openReadOnly(join(dataDir, READ_MODEL_FILE_NAME));
    const longest = new CredentialQueries(readModel).longestIdTokenLifetimeSeconds() ?? 0;
    return { seconds: Math.max(longest, DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { seconds: MAX_JWT_LIFETIME_IN_SECONDS, note: `${reason}; assuming the longest lifetime a client may have (${MAX_JWT_LIFETIME_IN_SECONDS} s)` };
  } finally {
    readModel?.close();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof DataDirMissingError || error instanceof ConfigError || (error as { code?: unknown })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const message = error instanceof Error ? error.message : '';
      process.stderr.write(`${message ? `keys: ${message}\n` : ''}${USAGE}\n`);
      process.exit(2);
    }
    const code = error && typeof error === 'object' && 'code' in error ? ` (${String((error as { code: unknown }).code)})` : '';
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}${code}\n`);
    process.exit(1);
  },
);
