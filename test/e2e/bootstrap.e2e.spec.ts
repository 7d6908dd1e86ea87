/**
 * Issue 8 item 5, at start-up: the real entry point (`apps/token-service/src/main.ts`,
 * run from source through ts-register as its own process) on the embedded
 * SQLite store. Where a generated bootstrap secret goes, and the starts that
 * must stop once with a message instead of looping or minting a second admin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HttpClient } from '../support/http-client';
import { freePort, tempDir, uniqueId } from '../support/token-service';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'apps/token-service/src/main.ts');
const REGISTER = join(ROOT, 'test/support/ts-register.js');
const EX_CONFIG = 78;

interface BootstrapFile {
  client_id: string;
  client_secret: string;
  audience: string;
  token_endpoint: string;
}

interface Run {
  child: ChildProcess;
  http: HttpClient;
  issuer: string;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Starts main.ts with a clean environment; `tty` runs it under script(1), so its stdout is a pseudo-terminal. */
async function startMain(dataDir: string, env: Record<string, string> = {}, options: { tty?: boolean; port?: number } = {}): Promise<Run> {
  const port = options.port ?? (await freePort());
  const issuer = env.ISSUER ?? `http://127.0.0.1:${port}/`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ISSUER: issuer, LOG_LEVEL: 'info', EMBEDDED_RELAY: 'false' };
  for (const name of ['MANAGEMENT_CLIENT_ID', 'MANAGEMENT_CLIENT_SECRET', 'EVENT_STORE', 'EVENTSTORE_CONNECTION_STRING', 'KAFKA_BROKERS']) delete childEnv[name];
  Object.assign(childEnv, env);
  const command = [process.execPath, '-r', REGISTER, MAIN];
  const child = options.tty
    ? spawn('script', ['-qefc', command.map(shellQuote).join(' '), '/dev/null'], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    : spawn(command[0], command.slice(1), { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    child,
    http: new HttpClient(`http://127.0.0.1:${port}/`),
    issuer,
    output: () => ({ stdout, stderr }),
    exited,
    async stop() {
      if (child.exitCode === null) {
        if (options.tty) process.kill(-child.pid!, 'SIGTERM');
        else child.kill('SIGTERM');
      }
      return exited;
    },
  };
}

/** Waits until the process says it listens; throws with its output if it exits first. */
async function listening(run: Run): Promise<Run> {
  const deadline = Date.now() + 60_000;
  while (!/listening on/.test(run.output().stdout)) {
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`did not start (exit ${run.child.exitCode}):\n${run.output().stdout}\n${run.output().stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return run;
}

async function exitOf(run: Run): Promise<number | null> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running:\n${run.output().stdout}\n${run.output().stderr}`)), 60_000).unref());
  return Promise.race([run.exited, timeout]);
}

const readBootstrapFile = (dataDir: string): BootstrapFile => JSON.parse(readFileSync(join(dataDir, 'bootstrap-client.json'), 'utf8')) as BootstrapFile;

async function managementToken(run: Run, clientId: string, secret: string): Promise<string> {
  const r = await run.http.post<{ access_token: string }>('/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, audience: `${run.issuer}api/v2/` },
  });
  if (r.status !== 200) throw new Error(`client_credentials: ${r.status} ${r.text}`);
  return r.body.access_token;
}

describe('token-service start-up: the bootstrap management client (node main.ts)', () => {
  const dirs: string[] = [];
  const runs: Run[] = [];
  const freshDir = () => {
    const dir = tempDir('token-service-bootstrap-');
    dirs.push(dir);
    return dir;
  };
  const track = async (run: Promise<Run>) => {
    const started = await run;
    runs.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((run) => run.stop()));
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a generated client to DATA_DIR/bootstrap-client.json (0600), and its secret to neither stdout nor the log when stdout is no TTY', async () => {
    const dataDir = freshDir();
    const run = await listening(await track(startMain(dataDir)));
    const file = readBootstrapFile(dataDir);
    expect(statSync(join(dataDir, 'bootstrap-client.json')).mode & 0o777).toBe(0o600);
    expect(file).toEqual({ client_id: expect.any(String), client_secret: expect.any(String), audience: `${run.issuer}api/v2/`, token_endpoint: `${run.issuer}oauth/token` });
    const token = await managementToken(run, file.client_id, file.client_secret);
    expect((await run.http.get('/api/v2/clients', { token })).status).toBe(200);

    const { stdout, stderr } = run.output();
    expect(stdout).toContain(file.client_id);
    expect(stdout).not.toContain(file.client_secret);
    expect(stderr).not.toContain(file.client_secret);
    expect(await run.stop()).toBe(0);
  }, 120_000);

  it('also shows the generated secret on the terminal when stdout is a TTY', async () => {
    const dataDir = freshDir();
    const run = await listening(await track(startMain(dataDir, {}, { tty: true })));
    const file = readBootstrapFile(dataDir);
    expect(run.output().stdout).toContain(`MANAGEMENT_CLIENT_SECRET=${file.client_secret}`);
  }, 120_000);

  it('refuses once (exit 78, with what to do) a changed ISSUER instead of creating a second admin client', async () => {
    const dataDir = freshDir();
    const port = await freePort();
    const first = await listening(await track(startMain(dataDir, {}, { port })));
    const file = readBootstrapFile(dataDir);
    expect(await first.stop()).toBe(0);

    const moved = await track(startMain(dataDir, { ISSUER: 'https://auth.example.com/' }));
    expect(await exitOf(moved)).toBe(EX_CONFIG);
    expect(moved.output().stderr).toMatch(/ISSUER changed/);
    expect(moved.output().stderr).toMatch(/MANAGEMENT_CLIENT_ID/);
    expect(readBootstrapFile(dataDir).client_id).toBe(file.client_id);

    const back = await listening(await track(startMain(dataDir, {}, { port })));
    const clients = await back.http.get<{ client_id: string }[]>('/api/v2/clients', { token: await managementToken(back, file.client_id, file.client_secret) });
    expect(clients.body.map((c) => c.client_id)).toEqual([file.client_id]);
  }, 180_000);

  it('refuses once (exit 78, no ClientAlreadyExistsError) a MANAGEMENT_CLIENT_ID naming a deleted client, and the recovery it names works', async () => {
    const dataDir = freshDir();
    const port = await freePort();
    const configured = { MANAGEMENT_CLIENT_ID: uniqueId('mgmt'), MANAGEMENT_CLIENT_SECRET: 'c'.repeat(40) };
    const first = await listening(await track(startMain(dataDir, configured, { port })));
    // A fresh store with MANAGEMENT_CLIENT_ID: no generated client, no file.
    expect(() => readBootstrapFile(dataDir)).toThrow();
    const admin = await managementToken(first, configured.MANAGEMENT_CLIENT_ID, configured.MANAGEMENT_CLIENT_SECRET);
    // A second full admin, so the configured client is not the last one once the variable is unset.
    const other = await first.http.post<{ client_id: string; client_secret: string }>('/api/v2/clients', { token: admin, json: { name: 'ops', app_type: 'non_interactive' } });
    const scopes = ((await first.http.post<{ scope: string }>('/oauth/token', { form: { grant_type: 'client_credentials', client_id: configured.MANAGEMENT_CLIENT_ID, client_secret: configured.MANAGEMENT_CLIENT_SECRET } })).body.scope).split(' ');
    expect((await first.http.post('/api/v2/client-grants', { token: admin, json: { client_id: other.body.client_id, audience: `${first.issuer}api/v2/`, scope: scopes } })).status).toBe(201);
    expect(await first.stop()).toBe(0);

    const unset = await listening(await track(startMain(dataDir, {}, { port })));
    const otherToken = await managementToken(unset, other.body.client_id, other.body.client_secret);
    expect((await unset.http.delete(`/api/v2/clients/${configured.MANAGEMENT_CLIENT_ID}`, { token: otherToken })).status).toBe(204);
    expect(await unset.stop()).toBe(0);

    const again = await track(startMain(dataDir, configured, { port }));
    expect(await exitOf(again)).toBe(EX_CONFIG);
    const { stderr } = again.output();
    expect(stderr).toContain(`MANAGEMENT_CLIENT_ID ${configured.MANAGEMENT_CLIENT_ID} names a client that was deleted`);
    expect(stderr).toMatch(/new, unused id/);
    expect(stderr).not.toMatch(/ClientAlreadyExists|CLIENT_ALREADY_EXISTS/);

    const recovered = { MANAGEMENT_CLIENT_ID: uniqueId('mgmt'), MANAGEMENT_CLIENT_SECRET: 'd'.repeat(40) };
    const fixed = await listening(await track(startMain(dataDir, recovered, { port })));
    const token = await managementToken(fixed, recovered.MANAGEMENT_CLIENT_ID, recovered.MANAGEMENT_CLIENT_SECRET);
    expect((await fixed.http.get('/api/v2/clients', { token })).status).toBe(200);
  }, 240_000);
});
