import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { createClient, delegate, issueRefreshToken } from '../../../../test/support/fixtures';
import { startTokenService, type TokenServiceUnderTest } from '../../../../test/support/token-service';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..', '..');

/** The operator's `npm run keys -- ...`, run from source as a real process on the service's DATA_DIR. */
function keysCli(dataDir: string, ...args: string[]) {
  return run(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'apps/token-service/src/cli/keys.ts'), ...args], {
    env: { ...process.env, DATA_DIR: dataDir },
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('signing key rotation without downtime (npm run keys)', () => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: { KEYS_RELOAD_INTERVAL_MS: '1000', DELEGATION_RATE_LIMIT: '0' } });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const jwks = async () => (await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body;
  const rs256Kids = async () => (await jwks()).keys.filter((k) => k.alg === 'RS256').map((k) => k.kid!);

  it('publishes the new key, signs with it after the reload, keeps old tokens verifiable until the old key is retired', async () => {
    const app = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    const before = await delegate(svc, app.client_id, issued.refresh_token);
    const oldKid = decodeProtectedHeader(before.body.id_token).kid!;
    expect(await rs256Kids()).toEqual([oldKid]);

    const rotated = await keysCli(svc.dataDir, 'rotate', 'RS256', '--now');
    expect(rotated.stdout).toMatch(/^added \S+ \(RS256\)/);

    const newKid = await until('the running service to sign with the new key', async () => {
      const r = await delegate(svc, app.client_id, issued.refresh_token);
      const kid = decodeProtectedHeader(r.body.id_token).kid!;
      return kid !== oldKid ? kid : undefined;
    });
    expect((await rs256Kids()).sort()).toEqual([oldKid, newKid].sort());
    // A token signed before the rotation still verifies against the published keys.
    await expect(jwtVerify(before.body.id_token, createLocalJWKSet(await jwks()), { issuer: svc.issuer })).resolves.toBeDefined();

    const listed = await keysCli(svc.dataDir, 'list');
    expect(listed.stdout).toContain(`${newKid}\tRS256\tsigning`);
    expect(listed.stdout).toContain(`${oldKid}\tRS256\tactive`);

    // Tokens the old key signed may live another 10 h (the client's id_token lifetime): only --force retires it now.
    await expect(keysCli(svc.dataDir, 'retire', oldKid)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('KEY_MAY_STILL_VERIFY') });
    expect(await rs256Kids()).toContain(oldKid);
    await keysCli(svc.dataDir, 'retire', oldKid, '--force');
    await until('the old key to leave the JWKS', async () => ((await rs256Kids()).includes(oldKid) ? undefined : true));
    await expect(jwtVerify(before.body.id_token, createLocalJWKSet(await jwks()), { issuer: svc.issuer })).rejects.toThrow();
  });

  it('refuses to retire a superseded key until its tokens may have expired, naming when', async () => {
    const old = (await keysCli(svc.dataDir, 'list')).stdout.split('\n').find((line) => /\tES256\tsigning\t/.test(line))!.split('\t')[0];
    await keysCli(svc.dataDir, 'rotate', 'ES256', '--now');

    const refused = await keysCli(svc.dataDir, 'retire', old).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1 });
    // The clients' id_tokens live 36 000 s (Auth0's default); the 24 h access tokens are longer, so they bound the wait.
    expect((refused as { stderr: string }).stderr).toMatch(/KEY_MAY_STILL_VERIFY/);
    expect((refused as { stderr: string }).stderr).toMatch(/tokens living up to 86400 s/);
    expect((await keysCli(svc.dataDir, 'list')).stdout).toContain(`${old}\tES256\tactive`);
  });

  it('answers a usage error with exit code 2', async () => {
    await expect(keysCli(svc.dataDir, 'rotate', 'HS512')).rejects.toMatchObject({ code: 2 });
    await expect(keysCli(svc.dataDir, 'rotate', 'EdDSA', '--now', '--in', '10')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('one of --now, --in, --not-before') });
  });

});

describe('npm run keys rotate, by default (its own service: the rotations above retire the key of its management token)', () => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: { KEYS_RELOAD_INTERVAL_MS: '1000', DELEGATION_RATE_LIMIT: '0' } });
  });
  afterAll(async () => {
    await svc?.close();
  });
  const rs256Kids = async () => (await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body.keys.filter((k) => k.alg === 'RS256').map((k) => k.kid!);

  it('rotate without --now publishes first: the new key is pending until the reload and the JWKS cache (5 min) have passed, the old one keeps signing', async () => {
    const app = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    const signer = async () => decodeProtectedHeader((await delegate(svc, app.client_id, issued.refresh_token)).body.id_token).kid!;
    const before = await signer();
    const started = Date.now();

    const rotated = await keysCli(svc.dataDir, 'rotate', 'RS256');
    const [, kid, notBefore] = /^added (\S+) \(RS256\), pending, signs from (\S+) in /.exec(rotated.stdout)!;
    // The CLI's KEYS_RELOAD_INTERVAL_MS (the default 60 s) + the JWKS cache period (300 s).
    expect(Date.parse(notBefore) - started).toBeGreaterThanOrEqual(360_000);
    expect(Date.parse(notBefore) - started).toBeLessThan(360_000 + 30_000);

    await until('the new key in the JWKS', async () => ((await rs256Kids()).includes(kid) ? true : undefined));
    expect(await signer()).toBe(before);
    const listed = (await keysCli(svc.dataDir, 'list')).stdout;
    expect(listed.split('\n')[0]).toBe('KID\tALG\tSTATE\tCREATED\tNOT BEFORE\tRETIRED');
    expect(listed).toContain(`${kid}\tRS256\tpending\t`);
    expect(listed).toMatch(/pending: published, signs from NOT BEFORE/);
  });
});

describe('npm run keys on a DATA_DIR that does not exist', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([['list'], ['rotate', 'RS256'], ['retire', 'some-kid']])('%s exits 78 (EX_CONFIG), says so, and creates nothing', async (...args) => {
    const missing = join(root, 'mistyped-data');
    await expect(keysCli(missing, ...args)).rejects.toMatchObject({
      code: 78,
      stderr: expect.stringContaining(`DATA_DIR ${missing} does not exist`),
    });
    expect(existsSync(missing)).toBe(false);
  });

  it('generate prints a JWKS with one fresh private key for SIGNING_KEYS_FILE, without any DATA_DIR', async () => {
    const missing = join(root, 'never-created');
    const { stdout } = await keysCli(missing, 'generate', 'ES256');
    const jwks = JSON.parse(stdout) as { keys: { kid?: string; alg?: string; kty?: string; d?: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ alg: 'ES256', kty: 'EC', kid: expect.any(String), d: expect.any(String) });
    expect(existsSync(missing)).toBe(false);
  });

  it('list exits 78 on an existing DATA_DIR that holds no keys, without generating any', async () => {
    await expect(keysCli(root, 'list')).rejects.toMatchObject({ code: 78, stderr: expect.stringContaining('no keys in') });
    expect(existsSync(join(root, 'keys'))).toBe(false);
  });
});
