/**
 * The verifiable-log commands of the audit CLI against a started service
 * (real HTTP, real SQLite): a monitor pins a checkpoint, an offline proof
 * verifies with only the verifier key, and the attack of an operator with
 * write access to DATA_DIR (drop the immutability trigger, delete a
 * RefreshTokenRevoked row, delete the derived files, restart) is caught by
 * the monitor holding the earlier checkpoint.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_EVENTS_FILE_NAME } from '@app/event-store';
import { READ_MODEL_FILE_NAME } from '@app/read-model';
import { CHECKPOINT_FILE_NAME, TREE_FILE_NAME } from '@app/verifiable-log';
import { tamperWithLog } from '@app/verifiable-log/testing/tampering';
import { openCheckpoint, parseVerifierKey } from '@app/transparency-log';
import { createClient, issueRefreshToken } from '../../../test/support/fixtures';
import { startTokenService, tempDir, uniqueId, type TokenServiceUnderTest } from '../../../test/support/token-service';
import { auditCli as cli } from './testing/audit-cli';

function eventCount(dataDir: string): number {
  const db = new Database(join(dataDir, SQLITE_EVENTS_FILE_NAME), { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events').get()!.n;
  } finally {
    db.close();
  }
}

describe('audit CLI: checkpoint, prove, verify-proof, monitor', () => {
  const dataDir = tempDir();
  const stateDir = mkdtempSync(join(tmpdir(), 'audit-monitor-'));
  let svc: TokenServiceUnderTest;
  let env: NodeJS.ProcessEnv;

  async function start(issuer?: string): Promise<void> {
    svc = await startTokenService({ adapter: 'sqlite', dataDir, env: { EMBEDDED_RELAY: 'true', ...(issuer ? { ISSUER: issuer } : {}) } });
    env = { DATA_DIR: dataDir, AUDIT_URL: svc.baseUrl, AUDIT_TOKEN: await svc.managementToken() };
  }

  /** Until the latest checkpoint covers every event of the log. */
  async function signedUpToHead(): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await cli(env, 'checkpoint');
      if (r.code === 0 && Number(r.stdout.split('\n')[1]) === eventCount(dataDir)) return r.stdout;
      if (Date.now() > deadline) throw new Error(`checkpoint never reached the head: ${r.stdout}${r.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    await start();
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints the checkpoint and the verifier key', async () => {
    await signedUpToHead();
    const key = await cli(env, 'checkpoint', '--verifier-key');
    expect(key.code).toBe(0);
    const verifier = parseVerifierKey(key.stdout.split('\n')[0]);
    const note = await cli(env, 'checkpoint');
    expect(openCheckpoint(note.stdout, [verifier]).origin).toBe(verifier.name);
  });

  it('answers --help for each command', async () => {
    for (const command of ['checkpoint', 'prove', 'verify-proof', 'monitor', 'witness', 'cosign']) {
      const r = await cli(env, command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('verify-proof FILE');
    }
  });

  it('proves an event offline, verified with nothing but the verifier key; an altered proof fails', async () => {
    const client = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    await signedUpToHead();
    const db = new Database(join(dataDir, SQLITE_EVENTS_FILE_NAME), { readonly: true });
    const eventId = db.prepare<[string], { event_id: string }>('SELECT event_id FROM events WHERE stream_id = ?').get(`refreshToken-${issued.id}`)!.event_id;
    db.close();
    const proofFile = join(stateDir, 'proof.txt');
    expect((await cli(env, 'prove', eventId, '--out', proofFile)).code).toBe(0);
    const keyFile = join(stateDir, 'key.txt');
    writeFileSync(keyFile, (await cli(env, 'checkpoint', '--verifier-key')).stdout);
    const ok = await cli({}, 'verify-proof', proofFile, '--verifier-key-file', keyFile);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(eventId);
    const text = readFileSync(proofFile, 'utf8');
    const lines = text.split('\n');
    const hashLine = lines.findIndex((line) => line.startsWith('index ')) + 1;
    lines[hashLine] = Buffer.alloc(32, 1).toString('base64');
    writeFileSync(proofFile, lines.join('\n'));
    const altered = await cli({}, 'verify-proof', proofFile, '--verifier-key-file', keyFile);
    expect(altered.code).toBe(1);
    expect(altered.stderr).toContain('TLOG_PROOF_INVALID');
  });

  it('pins a checkpoint, accepts the log growing, then catches a deleted revocation after a restart', async () => {
    const client = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    const revoked = await svc.http.delete(`/api/v2/device-credentials/${issued.id}`, { token: env.AUDIT_TOKEN });
    expect(revoked.status).toBe(204);
    await signedUpToHead();
    expect((await cli(env, 'monitor', '--state', stateDir, '--once')).code).toBe(0);
    await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    await signedUpToHead();
    const untouched = await cli({ DATA_DIR: dataDir, EVENT_STORE: 'sqlite' }, 'verify', '--chain-only');
    expect(untouched.stdout).toMatch(/matches all \d+ signed checkpoints/);
    const grown = await cli(env, 'monitor', '--state', stateDir, '--once');
    expect(grown).toMatchObject({ code: 0 });
    expect(grown.stdout).toContain('extends the held size');

    // The attack: triggers dropped, the revocation deleted, the derived files deleted, restart.
    const issuer = svc.issuer;
    await svc.close();
    tamperWithLog(join(dataDir, SQLITE_EVENTS_FILE_NAME), (db) => {
      db.prepare("DELETE FROM events WHERE type = 'RefreshTokenRevoked' AND stream_id = ?").run(`refreshToken-${issued.id}`);
    });
    // With the derived files still there, `audit verify` rebuilds the tree and finds the signed checkpoints broken.
    const verified = await cli({ DATA_DIR: dataDir, EVENT_STORE: 'sqlite' }, 'verify', '--chain-only');
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain('the log no longer matches');
    for (const file of [READ_MODEL_FILE_NAME, TREE_FILE_NAME, CHECKPOINT_FILE_NAME]) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, file + suffix), { force: true });
    }
    await start(issuer);
    await signedUpToHead();
    const caught = await cli(env, 'monitor', '--state', stateDir, '--once');
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(/REWRITE|TRUNCATION/);
    const held = readFileSync(join(stateDir, 'checkpoint'), 'utf8');
    expect(caught.stderr).toContain(held);
    expect(caught.stderr).toContain((await cli(env, 'checkpoint')).stdout);
  });
});
