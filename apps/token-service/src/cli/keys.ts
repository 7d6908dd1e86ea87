/**
 * `npm run keys -- list | rotate ALG [--not-before ISO-8601 | --in MINUTES] | retire KID`
 *
 * Key rotation without downtime (F7): `rotate` publishes a new key at once
 * (JWKS) and lets it sign from `--not-before`; every running token-service
 * re-reads DATA_DIR/keys within KEYS_RELOAD_INTERVAL_MS (60 s). Publish at least
 * the JWKS cache time (5 min) before the key signs, so no verifier meets an
 * unknown kid. `retire` drops an old key from the JWKS once no unexpired token
 * it signed remains (the longest id_token lifetime). Keys given through
 * SIGNING_KEYS / SIGNING_KEYS_FILE are managed outside: these commands refuse.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '@app/shared';
import { ASYMMETRIC_ALGS, isAsymmetricAlg, KeyStore, keyStoreOptionsFromEnv } from '@app/signing';

const USAGE = 'usage: keys list | rotate RS256|ES256|EdDSA [--not-before ISO-8601 | --in MINUTES] | retire KID';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'not-before': { type: 'string' }, in: { type: 'string' } },
  });
  const [command, arg] = positionals;
  const dataDir = resolve(process.env.DATA_DIR ?? './data');
  const keys = await KeyStore.open(keyStoreOptionsFromEnv(process.env, { dataDir, clock: systemClock }));
  switch (command) {
    case 'list':
      for (const k of keys.list()) {
        process.stdout.write(`${k.kid}\t${k.alg}\t${k.status}\tcreated ${k.createdAt ?? '-'}\tnot before ${k.notBefore ?? '-'}\tretired ${k.retiredAt ?? '-'}\n`);
      }
      return 0;
    case 'rotate': {
      if (!isAsymmetricAlg(arg)) return usage(`rotate needs one of ${ASYMMETRIC_ALGS.join(', ')}`);
      const notBefore = values['not-before'] ? new Date(values['not-before']) : values.in ? new Date(Date.now() + Number(values.in) * 60_000) : undefined;
      if (notBefore && Number.isNaN(notBefore.getTime())) return usage('--not-before / --in: not a time');
      const info = await keys.rotate(arg, { notBefore });
      process.stdout.write(`added ${info.kid} (${info.alg}), ${info.status}${info.notBefore ? `, signs from ${info.notBefore}` : ''} in ${join(dataDir, 'keys')}\n`);
      return 0;
    }
    case 'retire': {
      if (!arg) return usage('retire needs a kid');
      const info = await keys.retire(arg);
      process.stdout.write(`retired ${info.kid} (${info.alg}) at ${info.retiredAt}\n`);
      return 0;
    }
    default:
      return usage();
  }
}

function usage(problem?: string): number {
  process.stderr.write(`${problem ? `${problem}\n` : ''}${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = error && typeof error === 'object' && 'code' in error ? ` (${String((error as { code: unknown }).code)})` : '';
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}${code}\n`);
    process.exit(1);
  },
);
