/**
 * Smoke test of the real entry point: build as `npm run build` does (tsc +
 * tsc-alias, into a temporary directory so a concurrent build in dist/ is not
 * disturbed), run `node .../main.js` as a child process on a fresh DATA_DIR
 * with no MANAGEMENT_* variables, read the generated bootstrap client from
 * DATA_DIR/bootstrap-client.json, use it, then SIGTERM and expect a clean exit 0.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { HttpClient } from '../support/http-client';
import { freePort, tempDir } from '../support/token-service';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');

describe('the token-service entry point (node main.js)', () => {
  let outDir: string;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    const buildRoot = tempDir('token-service-build-');
    // Built files resolve packages through this link, as they would from the repo's dist/.
    symlinkSync(join(ROOT, 'node_modules'), join(buildRoot, 'node_modules'), 'dir');
    outDir = join(buildRoot, 'dist');
    await run(join(BIN, 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    await run(join(BIN, 'tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    dataDir = tempDir();
  }, 240_000);

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(resolve(outDir, '..'), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, writes a bootstrap management client that works to DATA_DIR, and exits 0 on SIGTERM', async () => {
    const main = join(outDir, 'apps', 'token-service', 'src', 'main.js');
    expect(existsSync(main)).toBe(true);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    for (const name of ['MANAGEMENT_CLIENT_ID', 'MANAGEMENT_CLIENT_SECRET', 'ISSUER', 'EVENT_STORE', 'EVENTSTORE_CONNECTION_STRING', 'KAFKA_BROKERS']) {
      delete env[name];
    }
    child = spawn(process.execPath, [main], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolveExit) => child!.once('exit', (code) => resolveExit(code)));

    const deadline = Date.now() + 30_000;
    while (!/listening on/.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`did not start (exit ${child.exitCode}):\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const bootstrap = JSON.parse(readFileSync(join(dataDir, 'bootstrap-client.json'), 'utf8')) as { client_id?: string; client_secret?: string };
    const clientId = bootstrap.client_id;
    const clientSecret = bootstrap.client_secret;
    expect(clientId).toEqual(expect.any(String));
    expect(clientSecret).toEqual(expect.any(String));

    const http = new HttpClient(`http://127.0.0.1:${port}/`);
    // ISSUER defaults to http://localhost:${PORT}/, and so the audience.
    const discovery = await http.get<{ issuer: string }>('/.well-known/openid-configuration');
    expect(discovery.body.issuer).toBe(`http://localhost:${port}/`);
    const grant = await http.post<{ access_token: string; scope: string }>('/oauth/token', {
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
    });
    expect(grant.status).toBe(200);
    expect(grant.body.scope.split(' ')).toEqual(expect.arrayContaining(['read:clients', 'create:refresh_tokens', 'delete:refresh_tokens']));
    const clients = await http.get<{ client_id: string }[]>('/api/v2/clients', { token: grant.body.access_token });
    expect(clients.status).toBe(200);
    expect(clients.body.map((c) => c.client_id)).toContain(clientId);
    // stdout is no TTY here: the secret is in the file only, never in the output or the log.
    expect(stderr).not.toContain(clientSecret!);
    expect(stdout).not.toContain(clientSecret!);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('runs the compiled CLIs on that DATA_DIR, and they refuse one that does not exist (audit exit 2, keys and relay 78)', async () => {
    // After the start above: the log and the read model the service left behind.
    const cli = (path: string, args: string[], env: NodeJS.ProcessEnv) =>
      run(process.execPath, [join(outDir, ...path.split('/')), ...args], { env: { ...process.env, ...env, KAFKA_BROKERS: '' } });
    const verified = await cli('apps/audit/src/main.js', ['verify'], { DATA_DIR: dataDir });
    expect(verified.stdout).toMatch(/verify: OK/);
    const listed = await cli('apps/token-service/src/cli/keys.js', ['list'], { DATA_DIR: dataDir });
    expect(listed.stdout).toMatch(/\tRS256\tsigning\t/);

    const missing = join(dataDir, 'mistyped');
    const commands = [
      ['apps/audit/src/main.js', ['verify'], 2],
      ['apps/token-service/src/cli/keys.js', ['list'], 78],
      ['apps/revocation-relay/src/main.js', [], 78],
    ] as const;
    for (const [path, args, code] of commands) {
      await expect(cli(path, [...args], { DATA_DIR: missing })).rejects.toMatchObject({ code, stderr: expect.stringContaining('does not exist') });
    }
    expect(existsSync(missing)).toBe(false);
  }, 60_000);
});
