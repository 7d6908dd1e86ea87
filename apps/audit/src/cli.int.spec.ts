/**
 * The audit CLI over both adapters (SQLite, and the EventStoreDB adapter over
 * the EventStoreDB TEST DOUBLE, an in-process gRPC stand-in, not
 * EventStoreDB): in-process through runCli for every command, and as a real
 * child process (`node main.ts` via the swc require hook) for the exit codes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import {
  ADAPTER_CASES,
  buildLiveReadModel,
  IDS,
  PLAINTEXT,
  TIMES,
  writeStory,
  type AuditHarness,
  type StoryPositions,
} from '../../../test/support/audit-log.fixtures';
import { EXIT, runCli } from './cli';
import { auditCli, type Outcome } from './testing/audit-cli';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');


function cli(h: AuditHarness, ...argv: string[]): Promise<Outcome> {
  return auditCli(h.env, ...argv);
}

/** The CLI as its own process, as `npm run audit --` runs it (but from sources). Never rejects: the exit code is the result. */
async function childCli(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<Outcome> {
  const args = ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'apps/audit/src/main.ts'), ...argv];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe.each(ADAPTER_CASES)('audit CLI over $name', (adapter) => {
  let h: AuditHarness;
  let p: StoryPositions;

  beforeEach(async () => {
    h = await adapter.open();
    p = await writeStory(h.store);
    await buildLiveReadModel(h.store, h.readModelFilename);
  });
  afterEach(async () => {
    await h.close();
  });

  it('history --token --json prints the HTTP API shape', async () => {
    const { code, stdout } = await cli(h, 'history', '--token', IDS.cred1, '--json');
    expect(code).toBe(EXIT.OK);
    const body = JSON.parse(stdout) as { events: Array<{ type: string; log_position: number; actor: string }> };
    expect(body.events.map((e) => [e.type, e.log_position, e.actor])).toEqual([
      ['RefreshTokenIssued', p.cred1Issued, 'login-service'],
      ['RefreshTokenRevoked', p.cred1Revoked, 'mgmt'],
    ]);
  });

  it('history --user and --client print tables in log order', async () => {
    const user = await cli(h, 'history', '--user', IDS.user1);
    expect(user.code).toBe(EXIT.OK);
    const rows = user.stdout.trim().split('\n');
    expect(rows[0]).toBe(`user ${IDS.user1}: 4 event(s), log order`);
    expect(rows[1]).toMatch(/^POSITION\s+TIME\s+TYPE\s+SUBJECT\s+ACTOR\s+REASON\s+CORRELATION$/);
    expect(rows[2]).toMatch(new RegExp(`^${p.cred1Issued}\\s+${TIMES.cred1Issued}\\s+RefreshTokenIssued\\s+${IDS.cred1}\\s+login-service`));
    expect(rows[5]).toMatch(/RefreshTokenRevoked\s+dcr_2\s+system\s+client_deleted\s+corr-2$/);
    const client = await cli(h, 'history', '--client', IDS.clientB);
    expect(client.stdout).toContain('client client-b: 4 event(s)');
  });

  it('state --at --token answers valid or not, and why, around issuance and revocation', async () => {
    const before = await cli(h, 'state', '--at', '2025-01-02T09:59:59.999Z', '--token', IDS.cred1);
    expect(before.stdout).toContain('NOT VALID (not_issued)');
    const at = await cli(h, 'state', '--at', TIMES.cred1Issued, '--token', IDS.cred1);
    expect(at.stdout).toContain('VALID (valid)');
    const revoked = await cli(h, 'state', '--at', '2025-01-03T11:00:00+01:00', '--token', IDS.cred1, '--json');
    expect(JSON.parse(revoked.stdout)).toMatchObject({ valid: false, code: 'revoked', revocation: { revokedBy: 'mgmt', logPosition: p.cred1Revoked } });
    const deleted = await cli(h, 'state', '--at', TIMES.clientBDeleted, '--token', IDS.cred2);
    expect(deleted.stdout).toContain(`its client ${IDS.clientB} was deleted`);
    for (const outcome of [before, at, revoked, deleted]) expect(outcome.code).toBe(EXIT.OK);
  });

  it('state --at [--user] lists the credentials valid at that instant', async () => {
    const all = await cli(h, 'state', '--at', '2025-01-03T12:00:00Z', '--json');
    expect(JSON.parse(all.stdout).valid.map((c: { credentialId: string }) => c.credentialId)).toEqual([IDS.cred2, IDS.cred3]);
    const user = await cli(h, 'state', '--at', '2025-01-03', '--user', IDS.user1);
    expect(user.stdout).toContain(`2 credential(s) valid at 2025-01-03T00:00:00.000Z for user ${IDS.user1}`);
  });

  it('verify exits 0 on a sound log, 1 with the first discrepancy once a stored event changed', async () => {
    const sound = await cli(h, 'verify');
    expect(sound).toMatchObject({ code: EXIT.OK });
    expect(sound.stdout).toContain('hash chain: ok (10 events in 7 streams');
    expect(sound.stdout).toContain('verify: OK');
    h.tamper.changeByte(p.cred1Revoked, 'mgmt');
    const broken = await cli(h, 'verify', '--json');
    expect(broken.code).toBe(EXIT.VERIFY_FAILED);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, chain: { firstBreak: { kind: 'hash_mismatch', position: p.cred1Revoked } } });
  });

  it('verify exits 1 when the live read model diverged', async () => {
    const db = new Database(h.readModelFilename);
    db.prepare('UPDATE credentials SET device_name = ? WHERE credential_id = ?').run('hacked', IDS.cred3);
    db.close();
    const outcome = await cli(h, 'verify');
    expect(outcome.code).toBe(EXIT.VERIFY_FAILED);
    expect(outcome.stdout).toContain(`read model: FAILED (different): 1 row(s) differ at position ${p.cred2Revoked}; first: credentials ${IDS.cred3}: device_name differs`);
  });

  it('export --out writes JSON Lines, --from resumes after a position', async () => {
    const file = join(h.dataDir, 'export.jsonl');
    const all = await cli(h, 'export', '--out', file);
    expect(all.code).toBe(EXIT.OK);
    expect(all.stderr).toContain(`exported 10 event(s) after position 0 to ${file}; last log_position ${p.cred2Revoked}`);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(10);
    for (const secret of Object.values(PLAINTEXT)) expect(text).not.toContain(secret);
    const tail = await cli(h, 'export', '--from', String(p.clientBDeleted), '--out', '-');
    expect(tail.stdout.trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(['RefreshTokenRevoked']);
  });

  it('export --out writes the file 0600 under umask 022, and tightens an existing file before writing', async () => {
    const previous = process.umask(0o022);
    try {
      const fresh = join(h.dataDir, 'fresh-export.jsonl');
      expect((await cli(h, 'export', '--out', fresh)).code).toBe(EXIT.OK);
      expect(statSync(fresh).mode & 0o777).toBe(0o600);
      const existing = join(h.dataDir, 'old-export.jsonl');
      writeFileSync(existing, 'old\n', { mode: 0o644 });
      expect((await cli(h, 'export', '--out', existing)).code).toBe(EXIT.OK);
      expect(statSync(existing).mode & 0o777).toBe(0o600);
      expect(readFileSync(existing, 'utf8').trim().split('\n')).toHaveLength(10);
    } finally {
      process.umask(previous);
    }
  });

  it('runs as a child process: exit 0 on a sound log, 1 after a deleted event, 2 on a usage error', async () => {
    const sound = await childCli(h.env, 'verify');
    expect(sound).toMatchObject({ code: 0, stderr: '' }); // stderr is not a TTY: no progress bar
    expect(sound.stdout).toContain('verify: OK');
    h.tamper.deleteEvent(p.cred1Issued);
    const broken = await childCli(h.env, 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('hash chain: BROKEN');
    expect(broken.stdout).toContain('events of this stream are missing before it');
    const usage = await childCli(h.env, 'state', '--at', 'yesterday');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('is not an ISO-8601 instant');
  }, 120_000);
});

describe('audit CLI usage errors', () => {
  const io = () => {
    const stderr = new PassThrough();
    const chunks: string[] = [];
    stderr.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    return { io: { stdout: new PassThrough(), stderr, env: { DATA_DIR: '/nonexistent-audit-dir' } }, err: () => chunks.join('') };
  };
  it.each([
    [[], 'usage:'],
    [['bogus'], 'unknown command "bogus"'],
    [['history'], 'exactly one of --token, --user, --client'],
    [['history', '--token', 'a', '--user', 'b'], 'exactly one of'],
    [['history', '--token'], "argument missing"],
    [['state', '--token', 'x'], 'state needs --at'],
    [['state', '--at', '2025-01-01T10:00:00'], 'not an ISO-8601 instant'],
    [['state', '--at', '2025-01-01', '--user', 'u', '--token', 't'], 'not both'],
    [['verify', '--chain-only', '--read-model', 'x'], 'not both'],
    [['verify', '--fast'], "Unknown option '--fast'"],
    [['export'], 'export needs --out'],
    [['export', '--out', 'x', '--from=-1'], '--from must be a log position'],
    [['export', '--out', 'x', '--from', '1e3'], '--from must be a log position'],
    [['verify'], 'DATA_DIR /nonexistent-audit-dir does not exist'],
    [['history', '--user', 'u'], 'DATA_DIR /nonexistent-audit-dir does not exist'],
  ])('%j exits 2: %s', async (argv, message) => {
    const { io: streams, err } = io();
    await expect(runCli(argv, streams)).resolves.toBe(EXIT.USAGE);
    expect(err()).toContain(message);
  });

  it('refuses an existing DATA_DIR that holds no event log, without creating one', async () => {
    const { io: streams, err } = io();
    const empty = mkdtempSync(join(tmpdir(), 'audit-empty-'));
    try {
      await expect(runCli(['verify'], { ...streams, env: { DATA_DIR: empty } })).resolves.toBe(EXIT.USAGE);
      expect(err()).toContain(`no event log at ${join(empty, 'events.sqlite')}`);
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses EVENT_STORE=eventstoredb without a connection string', async () => {
    const { io: streams, err } = io();
    await expect(runCli(['verify'], { ...streams, env: { EVENT_STORE: 'eventstoredb' } })).resolves.toBe(EXIT.USAGE);
    expect(err()).toContain('EVENTSTORE_CONNECTION_STRING is required');
  });
});
