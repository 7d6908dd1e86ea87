/**
 * tools/docker/entrypoint.sh, the image's entrypoint, run here as the image
 * runs it (no Docker: the script is plain sh, setpriv comes from util-linux
 * like in the image). The case it exists for: compose mounts a secret with
 * the host file's owner and mode, so a signing-key file kept 0600 by root is
 * unreadable to the user the apps run as. `nobody` stands for the image's
 * `node` user. CI runs as root; as another user only the pass-through case
 * can run (it needs no privilege).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ENTRYPOINT = resolve(__dirname, 'entrypoint.sh');
const asRoot = process.getuid?.() === 0;

describe('the image entrypoint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
    chmodSync(dir, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const secret = (): string => {
    const secrets = join(dir, 'secrets');
    execFileSync('mkdir', ['-p', secrets]);
    const file = join(secrets, 'signing-keys');
    writeFileSync(file, '{"keys":["the JWKS"]}', { mode: 0o600 });
    return file;
  };
  const env = (file: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    RUN_AS: 'nobody',
    SECRETS_DIR: join(dir, 'secrets'),
    SECRETS_COPY: join(dir, 'copy'),
    SIGNING_KEYS_FILE: file,
  });
  const show = 'id -un; echo "$SIGNING_KEYS_FILE"; stat -c %a:%U "$SIGNING_KEYS_FILE"; cat "$SIGNING_KEYS_FILE"';

  if (asRoot) {
    it('gives the unprivileged user a private copy of a 0600 root-owned secret, and runs the app as that user', () => {
      const file = secret();
      // The premise: nobody cannot read the mounted file itself.
      const direct = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'cat', file], { encoding: 'utf8' });
      expect(direct.status).not.toBe(0);

      const r = spawnSync(ENTRYPOINT, ['sh', '-c', show], { env: env(file), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const [user, path, mode, contents] = r.stdout.trim().split('\n');
      expect(user).toBe('nobody');
      expect(path).toBe(join(dir, 'copy', 'signing-keys'));
      expect(mode).toBe('600:nobody');
      expect(contents).toBe('{"keys":["the JWKS"]}');
      expect(statSync(join(dir, 'copy')).mode & 0o777).toBe(0o700);
    });

    it('leaves a *_FILE outside the secrets directory as it is', () => {
      const outside = join(dir, 'elsewhere.json');
      writeFileSync(outside, 'x', { mode: 0o644 });
      const r = spawnSync(ENTRYPOINT, ['sh', '-c', 'id -un; echo "$SIGNING_KEYS_FILE"'], { env: env(outside), encoding: 'utf8' });
      expect(r.stdout.trim().split('\n')).toEqual(['nobody', outside]);
    });
  }

  it('starts the app unchanged when not started as root', () => {
    const file = join(dir, 'secrets', 'signing-keys');
    const command = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ENTRYPOINT] : [ENTRYPOINT];
    const r = spawnSync(command[0], [...command.slice(1), 'sh', '-c', 'id -u; echo "$SIGNING_KEYS_FILE"'], { env: env(file), encoding: 'utf8' });
    expect(r.status).toBe(0);
    const [uid, path] = r.stdout.trim().split('\n');
    expect(uid).toBe(String(asRoot ? 65534 : process.getuid?.()));
    expect(path).toBe(file);
  });
});
