/**
 * What a newcomer meets first: every entry point run as a real process from
 * its sources (through ts-register), asked for help, given a wrong option,
 * or started with a configuration mistake. Help is usage on stdout and exit
 * 0 before anything is opened; a wrong option is one line and the usage,
 * exit 2; a refused start is one line naming what to change, no stack
 * trace, exit 78 (EX_CONFIG) from every process.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, tempDir } from '../support/token-service';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '..', '..');
const EX_CONFIG = 78;

const ENTRY_POINTS = {
  'token-service': 'apps/token-service/src/main.ts',
  'revocation-relay': 'apps/revocation-relay/src/main.ts',
  keys: 'apps/token-service/src/cli/keys.ts',
  bench: 'bench/run.ts',
  topology: 'tools/topology/main.ts',
  audit: 'apps/audit/src/main.ts',
} as const;
type EntryName = keyof typeof ENTRY_POINTS;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an entry point to its end (killed after `timeoutMs`: a help that starts a server fails here). */
function runEntry(name: EntryName, args: string[], env: Record<string, string | undefined> = {}, options: { cwd?: string; uid?: number; timeoutMs?: number } = {}): Promise<Outcome> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  for (const key of ['MANAGEMENT_CLIENT_ID', 'MANAGEMENT_CLIENT_SECRET', 'EVENT_STORE', 'EVENTSTORE_CONNECTION_STRING', 'ISSUER', 'PORT']) {
    if (!(key in env)) delete childEnv[key];
  }
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, ENTRY_POINTS[name]), ...args], {
    cwd: options.cwd ?? ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolveOutcome) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveOutcome({ code, stdout, stderr });
    }),
  );
}

const STACK_FRAME = /^\s+at /m;

describe('--help', () => {
  it.each(Object.keys(ENTRY_POINTS) as EntryName[])('%s --help prints its usage on stdout and exits 0, opening nothing', async (name) => {
    const cwd = tempDir('help-');
    try {
      const { code, stdout, stderr } = await runEntry(name, ['--help'], { DATA_DIR: undefined, KAFKA_BROKERS: '' }, { cwd, timeoutMs: 30_000 });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^usage: /);
      // Nothing started: no ./data, no lock, no log in the working directory.
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('an unknown option', () => {
  it.each(['token-service', 'revocation-relay', 'keys', 'bench', 'topology'] as EntryName[])('%s --bogus: one line naming it, the usage, exit 2', async (name) => {
    const { code, stdout, stderr } = await runEntry(name, ['--bogus'], { KAFKA_BROKERS: '' }, { timeoutMs: 30_000 });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(`${name}: Unknown option '--bogus'`);
    expect(stderr).toMatch(/\nusage: /);
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});

describe('a refused start of token-service: one line, exit 78', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDir('refused-start-');
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const refusal = async (env: Record<string, string>, options: { uid?: number } = {}): Promise<string> => {
    const { code, stdout, stderr } = await runEntry('token-service', [], { DATA_DIR: dataDir, KAFKA_BROKERS: '', HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env }, options);
    expect({ code, stdout }).toEqual({ code: EX_CONFIG, stdout: '' });
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    return stderr;
  };

  it('PORT=abc names PORT', async () => {
    expect(await refusal({ PORT: 'abc' })).toMatch(/^token-service refused to start: PORT: PORT must be a number\n$/);
  });

  it('an unknown EVENT_STORE names the values it takes', async () => {
    expect(await refusal({ PORT: '0', EVENT_STORE: 'postgres' })).toMatch(/EVENT_STORE: EVENT_STORE must be sqlite or eventstoredb/);
  });

  it('a DATA_DIR held by another live process names its pid and what to do', async () => {
    // This test process plays the holder: alive, on this host.
    writeFileSync(join(dataDir, 'token-service.lock'), JSON.stringify({ role: 'token-service', pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }));
    const line = await refusal({ PORT: '0' });
    expect(line).toContain(`pid ${process.pid}`);
    expect(line).toMatch(/stop it first, or remove .*token-service\.lock if that process is gone/);
  });

  it("a DATA_DIR owned by another user says whose it is and what to do, and leaves it as it was", async () => {
    // As root the service runs as nobody on root's directory; otherwise as this user on a system directory (root's).
    const asRoot = process.getuid?.() === 0;
    const foreign = asRoot ? dataDir : '/usr';
    if (asRoot) chmodSync(dataDir, 0o755);
    const line = await refusal({ PORT: '0', DATA_DIR: foreign }, asRoot ? { uid: 65534 } : {});
    expect(line).toMatch(new RegExp(`DATA_DIR ${foreign} belongs to uid 0, not to this user .*: run as its owner, chown it, or set DATA_DIR to a directory of your own`));
  });

  it('only PORT changed on an existing DATA_DIR: says that ISSUER follows PORT and which ISSUER keeps the old one', async () => {
    const first = await freePort();
    const service = spawn(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, ENTRY_POINTS['token-service'])], {
      cwd: ROOT,
      env: { ...withoutIssuer(), PORT: String(first), HOST: '127.0.0.1', DATA_DIR: dataDir, KAFKA_BROKERS: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    service.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise((done) => service.once('exit', done));
    try {
      const deadline = Date.now() + 60_000;
      while (!/listening on/.test(stdout) && service.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // The line names the URL the API answers to (ISSUER), not only the bound address.
      expect(stdout).toContain(`token-service listening on 127.0.0.1:${first}; call it at http://localhost:${first}/ (ISSUER; management API http://localhost:${first}/api/v2/`);
    } finally {
      service.kill('SIGTERM');
      await exited;
    }

    const line = await refusal({ PORT: String(await freePort()) });
    expect(line).toMatch(/ISSUER changed \(it is now http:\/\/localhost:\d+\/, its default http:\/\/localhost:\$\{PORT\}\/, which follows PORT\)/);
    expect(line).toContain(`ISSUER=http://localhost:${first}/ keeps the old issuer on the new port`);
  });
});

describe('npm run topology without a broker', () => {
  it('says no broker answers and points to npm run kafka:start, starting nothing', async () => {
    const server = createServer();
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    const closed = (server.address() as AddressInfo).port;
    await new Promise((closedDone) => server.close(closedDone));
    const { code, stdout, stderr } = await runEntry('topology', [], { KAFKA_BROKERS: `127.0.0.1:${closed}` });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`topology failed to start: no Kafka broker answers at 127.0.0.1:${closed}: start one with \`npm run kafka:start\`, or set KAFKA_BROKERS to yours\n`);
  });
});

describe('a refused start of the relay and the keys CLI: exit 78 too', () => {
  it('relay and keys on a DATA_DIR that does not exist', async () => {
    const missing = join(tempDir('refused-cli-'), 'mistyped');
    for (const [name, args] of [['revocation-relay', []], ['keys', ['list']]] as const) {
      const { code, stderr } = await runEntry(name, [...args], { DATA_DIR: missing, KAFKA_BROKERS: '' });
      expect(code).toBe(EX_CONFIG);
      expect(stderr).toContain(`DATA_DIR ${missing} does not exist`);
      expect(stderr).not.toMatch(STACK_FRAME);
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('relay with PORT=abc names PORT', async () => {
    const dataDir = tempDir('refused-relay-');
    mkdirSync(dataDir, { recursive: true });
    try {
      const { code, stderr } = await runEntry('revocation-relay', [], { DATA_DIR: dataDir, PORT: 'abc', KAFKA_BROKERS: '' });
      expect(code).toBe(EX_CONFIG);
      expect(stderr).toBe('revocation-relay refused to start: PORT: PORT must be a number\n');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function withoutIssuer(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['ISSUER', 'MANAGEMENT_CLIENT_ID', 'MANAGEMENT_CLIENT_SECRET', 'EVENT_STORE', 'EVENTSTORE_CONNECTION_STRING']) delete env[key];
  return env;
}
