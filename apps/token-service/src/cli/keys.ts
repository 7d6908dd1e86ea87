/**
 * `npm run keys -- list | rotate ALG [--now | --not-before ISO-8601 | --in MINUTES] | retire KID [--force]`
 *
 * Key rotation without downtime: `rotate` publishes a new key at once
 * (JWKS) and lets it sign from `--not-before` (by default once every verifier's
 * JWKS cache has seen it; `--now` signs at once); every running token-service
 * re-reads DATA_DIR/keys within KEYS_RELOAD_INTERVAL_MS (60 s). Publish at least
 * the JWKS cache time (5 min) before the key signs, so no verifier meets an
 * unknown kid. `retire` drops an old key from the JWKS, and refuses while a
 * token it signed may be unexpired (see `tokenLifetimeSeconds`) unless `--force`.
 * Keys given through SIGNING_KEYS / SIGNING_KEYS_FILE are managed outside: these commands refuse.
 *
 * Exit codes: 0 done, 1 refused or failed (the error code is printed), 2 usage, 78 a bad variable or a DATA_DIR that does not exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_JWT_LIFETIME_IN_SECONDS } from '@app/clients';
import { loadConfig } from '@app/config';
import { CredentialQueries, READ_MODEL_FILE_NAME, ReadModel } from '@app/read-model';
import { systemClock } from '@app/shared';
import { DataDirMissingError, EXIT_REFUSED, EXIT_USAGE, existingDataDir, parseCommandLine, refusalLine } from '@app/process';
import { ASYMMETRIC_ALGS, DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS, generateSigningKey, isAsymmetricAlg, KeyStore } from '@app/signing';

/** Discovery and JWKS answer `Cache-Control: max-age=300`: a verifier may not see a new key for this long. */
const JWKS_CACHE_MS = 300_000;

const USAGE = `usage: npm run keys -- <command>   (node dist/apps/token-service/src/cli/keys.js)

commands:
  list
      every signing key of DATA_DIR/keys with its state:
        signing   the key that signs new tokens of its algorithm
        active    an older key, still published: tokens it signed still verify
        pending   published in the JWKS, signs from its "not before" time
        retired   gone from the JWKS: tokens it signed no longer verify
  rotate RS256|ES256|EdDSA [--now | --in MINUTES | --not-before ISO-8601]
      adds a key and publishes it at once; by default it signs once every
      running service has re-read the keys (KEYS_RELOAD_INTERVAL_MS) and every
      verifier's JWKS cache (5 minutes) has expired, so none meets an unknown kid.
      --now signs at once (verifiers with a cached JWKS refuse those tokens
      until their cache expires); --in / --not-before choose the time
  retire KID [--force]
      unpublishes an old key; refused while a token it signed may be unexpired
      (the message says when it becomes safe); --force retires at once
  generate [RS256|ES256|EdDSA]
      prints a JWKS with one fresh private signing key (default RS256) for
      SIGNING_KEYS_FILE, e.g. docker compose's shared secret; needs no DATA_DIR

environment (as the service): DATA_DIR (default ./data), SIGNING_KEYS / SIGNING_KEYS_FILE
(keys managed outside: these commands refuse), KEYS_RELOAD_INTERVAL_MS.
Exit codes: 0 done, 1 refused or failed, ${EXIT_USAGE} usage, ${EXIT_REFUSED} configuration (a bad variable, no DATA_DIR).`;

class UsageError extends Error {}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { positionals, values } = parseCommandLine('keys', USAGE, {
    args: argv,
    allowPositionals: true,
    options: { 'not-before': { type: 'string' }, in: { type: 'string' }, now: { type: 'boolean' }, force: { type: 'boolean' } },
  });
  const [command, arg] = positionals;
  if (command === 'generate') {
    const alg = arg ?? 'RS256';
    if (!isAsymmetricAlg(alg)) throw new UsageError(`generate takes one of ${ASYMMETRIC_ALGS.join(', ')}`);
    process.stdout.write(`${JSON.stringify({ keys: [await generateSigningKey(alg, { createdAt: new Date() })] })}\n`);
    return 0;
  }
  if (!['list', 'rotate', 'retire'].includes(command ?? '')) throw new UsageError(command === undefined ? 'which command?' : `unknown command "${command}"`);
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
      process.stdout.write('KID\tALG\tSTATE\tCREATED\tNOT BEFORE\tRETIRED\n');
      for (const k of keys.list()) {
        process.stdout.write(`${k.kid}\t${k.alg}\t${k.status}\tcreated ${k.createdAt ?? '-'}\tnot before ${k.notBefore ?? '-'}\tretired ${k.retiredAt ?? '-'}\n`);
      }
      process.stdout.write(
        '\nsigning: signs new tokens of its algorithm; active: still verifies the tokens it signed; ' +
          'pending: published, signs from NOT BEFORE; retired: unpublished, its tokens no longer verify\n',
      );
      return 0;
    case 'rotate': {
      if (!isAsymmetricAlg(arg)) throw new UsageError(`rotate needs one of ${ASYMMETRIC_ALGS.join(', ')}`);
      const chosen = [values.now, values['not-before'], values.in].filter((v) => v !== undefined);
      if (chosen.length > 1) throw new UsageError('rotate takes one of --now, --in, --not-before');
      // Publish first: running services re-read the keys, then verifiers' JWKS caches expire, before the key signs.
      const publishFirstMs = config.keysReloadIntervalMs + JWKS_CACHE_MS;
      const notBefore = values.now
        ? undefined
        : values['not-before']
          ? new Date(values['not-before'])
          : new Date(Date.now() + (values.in !== undefined ? Number(values.in) * 60_000 : publishFirstMs));
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
    if (error instanceof UsageError) {
      process.stderr.write(`keys: ${error.message}\n${USAGE}\n`);
      process.exit(EXIT_USAGE);
    }
    const refusal = refusalLine(error);
    if (refusal !== undefined) {
      process.stderr.write(`keys: ${refusal}\n`);
      process.exit(EXIT_REFUSED);
    }
    const code = error && typeof error === 'object' && 'code' in error ? ` (${String((error as { code: unknown }).code)})` : '';
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}${code}\n`);
    process.exit(1);
  },
);
