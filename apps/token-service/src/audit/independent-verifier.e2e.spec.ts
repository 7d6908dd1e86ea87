/**
 * The verifiable log checked by an implementation that is not ours: Go's
 * golang.org/x/mod/sumdb/note (C2SP signed notes) and sumdb/tlog (RFC 6962 /
 * RFC 9162 proofs), in tools/independent-verifier/main.go, fed what the HTTP
 * endpoints answer. CI installs Go and that module from Debian's packages
 * (golang-go, golang-golang-x-mod-dev); without them this suite fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient, issueRefreshToken } from '../../../../test/support/fixtures';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../test/support/token-service';

jest.setTimeout(120_000);

interface VerifierInput {
  verifier_key: string;
  origin: string;
  checkpoints: string[];
  inclusion: Array<{ index: number; tree_size: number; leaf_data: string; hashes: string[] }>;
  consistency: Array<{ first: number; second: number; hashes: string[] }>;
}

describe('verifiable log, checked by Go sumdb/note and sumdb/tlog', () => {
  let svc: TokenServiceUnderTest;
  let token: string;
  let dir: string;
  let binary: string;
  let input: VerifierInput;

  const run = (doc: VerifierInput): { status: number | null; out: string } => {
    const r = spawnSync(binary, { input: JSON.stringify(doc), encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
  };

  async function checkpointOfAtLeast(size: number): Promise<{ note: string; size: number }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = await svc.http.get('/api/v2/audit/checkpoint', { token });
      if (r.status === 200) {
        const n = Number(r.text.split('\n')[1]);
        if (n >= size) return { note: r.text, size: n };
      }
      if (Date.now() > deadline) throw new Error(`no checkpoint of ${size} leaves: ${r.status} ${r.text}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  async function issueSome(count: number): Promise<void> {
    const client = await createClient(svc, { app_type: 'native' });
    for (let i = 0; i < count; i++) await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'independent-verifier-'));
    binary = join(dir, 'verifier');
    execFileSync('go', ['build', '-o', binary, resolve(__dirname, '../../../../tools/independent-verifier/main.go')], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(dir, 'cache') },
      stdio: 'pipe',
    });
    svc = await startTokenService({ adapter: 'sqlite', env: { EMBEDDED_RELAY: 'true' } });
    token = await svc.managementToken();

    await issueSome(3);
    const first = await checkpointOfAtLeast(4);
    await issueSome(4);
    const second = await checkpointOfAtLeast(first.size + 5);
    const key = await svc.http.get('/api/v2/audit/verifier-key', { token });
    expect(key.status).toBe(200);

    const inclusion: VerifierInput['inclusion'] = [];
    for (const treeSize of [first.size, second.size]) {
      for (let index = 0; index < treeSize; index++) {
        const leaf = await svc.http.get<{ leaf_data: string }>(`/api/v2/audit/leaves/${index}`, { token });
        const proof = await svc.http.get<{ hashes: string[] }>(`/api/v2/audit/proofs/inclusion?index=${index}&tree_size=${treeSize}`, { token });
        expect(proof.status).toBe(200);
        inclusion.push({ index, tree_size: treeSize, leaf_data: leaf.body.leaf_data, hashes: proof.body.hashes });
      }
    }
    const proof = await svc.http.get<{ hashes: string[] }>(`/api/v2/audit/proofs/consistency?first=${first.size}&second=${second.size}`, { token });
    expect(proof.status).toBe(200);
    input = {
      verifier_key: key.text.trim().split('\n')[0],
      origin: first.note.split('\n')[0],
      checkpoints: [first.note, second.note],
      inclusion,
      consistency: [{ first: first.size, second: second.size, hashes: proof.body.hashes }],
    };
  });

  afterAll(async () => {
    await svc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the signed checkpoints, every inclusion proof and the consistency proof', () => {
    expect(input.inclusion.length).toBeGreaterThanOrEqual(13);
    expect(input.consistency.length).toBe(1);
    const r = run(input);
    expect(r.out).toMatch(/^ok: 2 checkpoints, \d+ inclusion proofs, 1 consistency proofs$/);
    expect(r.status).toBe(0);
  });

  it('refuses an inclusion proof with one hash altered', () => {
    const altered = structuredClone(input);
    const target = altered.inclusion.find((p) => p.hashes.length > 0)!;
    const raw = Buffer.from(target.hashes[0], 'base64');
    raw[0] ^= 1;
    target.hashes[0] = raw.toString('base64');
    const r = run(altered);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^inclusion of leaf \d+ in tree \d+: /);
  });

  it('refuses a leaf whose data was edited', () => {
    const altered = structuredClone(input);
    const target = altered.inclusion[0];
    target.leaf_data = Buffer.from(Buffer.from(target.leaf_data, 'base64').toString('utf8').replace('"', "'")).toString('base64');
    expect(run(altered).out).toMatch(/^inclusion of leaf 0 in tree \d+: /);
  });

  it('refuses a consistency proof with one hash altered', () => {
    const altered = structuredClone(input);
    const proof = altered.consistency[0];
    expect(proof.hashes.length).toBeGreaterThan(0);
    const raw = Buffer.from(proof.hashes[proof.hashes.length - 1], 'base64');
    raw[31] ^= 0x80;
    proof.hashes[proof.hashes.length - 1] = raw.toString('base64');
    expect(run(altered).out).toMatch(/^consistency \d+ -> \d+: /);
  });

  it('refuses a checkpoint whose root was rewritten (the signature no longer holds)', () => {
    const altered = structuredClone(input);
    const lines = altered.checkpoints[1].split('\n');
    const root = Buffer.from(lines[2], 'base64');
    root[0] ^= 1;
    lines[2] = root.toString('base64');
    altered.checkpoints[1] = lines.join('\n');
    expect(run(altered).out).toMatch(/^checkpoint signature: /);
  });
});
