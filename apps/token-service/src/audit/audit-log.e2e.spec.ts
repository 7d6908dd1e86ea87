import { checkExtension, leafHash, openCheckpoint, parseVerifierKey, verifyConsistency, verifyInclusion, type NoteVerifier } from '@app/transparency-log';
import { createClient, history, issueRefreshToken, type ManagementErrorBody } from '../../../../test/support/fixtures';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../test/support/token-service';

interface LeafView {
  index: number;
  leaf_data: string;
  event_id: string;
  log_position: number;
}
const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

describe('verifiable log endpoints (sqlite)', () => {
  let svc: TokenServiceUnderTest;
  let token: string;
  let verifiers: NoteVerifier[];

  /** The latest checkpoint once it covers at least `size` leaves (a new one is signed at most every second). */
  async function checkpointOfAtLeast(size: number): Promise<{ note: string; size: number; root: Buffer }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await svc.http.get('/api/v2/audit/checkpoint', { token });
      if (r.status === 200) {
        const checkpoint = openCheckpoint(r.text, verifiers);
        if (checkpoint.size >= size) return { note: r.text, size: checkpoint.size, root: checkpoint.root };
      }
      if (Date.now() > deadline) throw new Error(`no checkpoint of ${size} leaves: ${r.status} ${r.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    // The verifiable log runs beside the embedded relay (no KAFKA_BROKERS given: checkpoints go to the file only).
    svc = await startTokenService({ adapter: 'sqlite', env: { EMBEDDED_RELAY: 'true' } });
    token = await svc.managementToken();
    const client = await createClient(svc, { app_type: 'native' });
    for (let i = 0; i < 3; i++) await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    const key = await svc.http.get('/api/v2/audit/verifier-key', { token });
    expect(key.status).toBe(200);
    expect(key.headers.get('content-type')).toContain('text/plain');
    verifiers = key.text.trim().split('\n').map(parseVerifierKey);
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('serves a signed C2SP checkpoint of every event, each leaf proven by an RFC 9162 inclusion proof', async () => {
    const { size, root, note } = await checkpointOfAtLeast(5);
    expect(note).toMatch(/^127\.0\.0\.1:\d+\/log\n\d+\n[A-Za-z0-9+/=]{44}\n\n\u2014 127\.0\.0\.1:\d+\/log [A-Za-z0-9+/=]+\n$/);
    for (let index = 0; index < size; index++) {
      const leaf = await svc.http.get<LeafView>(`/api/v2/audit/leaves/${index}`, { token });
      expect(leaf.status).toBe(200);
      expect(JSON.parse(b64(leaf.body.leaf_data).toString())).toMatchObject({ id: leaf.body.event_id, position: leaf.body.log_position });
      const proof = await svc.http.get<{ leaf_hash: string; hashes: string[] }>(`/api/v2/audit/proofs/inclusion?index=${index}&tree_size=${size}`, { token });
      expect(proof.status).toBe(200);
      expect(proof.body.leaf_hash).toBe(leafHash(b64(leaf.body.leaf_data)).toString('base64'));
      expect(() => verifyInclusion(index, size, b64(proof.body.leaf_hash), proof.body.hashes.map(b64), root)).not.toThrow();
    }
  });

  it('proves each new checkpoint consistent with an earlier one', async () => {
    const first = await checkpointOfAtLeast(1);
    const client = await createClient(svc, { app_type: 'native' });
    await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    const second = await checkpointOfAtLeast(first.size + 1);
    const proof = await svc.http.get<{ hashes: string[] }>(`/api/v2/audit/proofs/consistency?first=${first.size}&second=${second.size}`, { token });
    expect(proof.status).toBe(200);
    expect(() => verifyConsistency(first.size, second.size, proof.body.hashes.map(b64), first.root, second.root)).not.toThrow();
    expect(() => checkExtension(first.note, second.note, proof.body.hashes.map(b64), verifiers)).not.toThrow();
    const same = await svc.http.get<{ hashes: string[] }>(`/api/v2/audit/proofs/consistency?first=${second.size}&second=${second.size}`, { token });
    expect(same.body).toEqual({ first: second.size, second: second.size, hashes: [] });
  });

  it.each([
    ['an unknown leaf', '/api/v2/audit/leaves/999999'],
    ['a leaf index that is no number', '/api/v2/audit/leaves/abc'],
    ['a tree size above the latest checkpoint', '/api/v2/audit/proofs/inclusion?index=0&tree_size=999999'],
    ['an index not below the tree size', '/api/v2/audit/proofs/inclusion?index=1&tree_size=1'],
    ['first above second', '/api/v2/audit/proofs/consistency?first=2&second=1'],
    ['a size that is no number', '/api/v2/audit/proofs/consistency?first=x&second=1'],
    ['an unknown parameter', '/api/v2/audit/proofs/consistency?first=1&second=1&extra=1'],
  ])('answers 400 for %s', async (_what, path) => {
    await checkpointOfAtLeast(2);
    const r = await svc.http.get<ManagementErrorBody>(path, { token });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string' });
  });

  it('gives each history entry its leaf_index, whose leaf is that event', async () => {
    const client = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    const deadline = Date.now() + 10_000;
    let entry: { log_position: number; leaf_index: number | null } | undefined;
    while (Date.now() < deadline) {
      const body = (await history(svc, issued.id)) as unknown as { events: Array<{ log_position: number; leaf_index: number | null }> };
      entry = body.events[0];
      if (entry?.leaf_index !== null && entry?.leaf_index !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(entry?.leaf_index).toEqual(expect.any(Number));
    const leaf = await svc.http.get<LeafView>(`/api/v2/audit/leaves/${entry!.leaf_index}`, { token });
    expect(leaf.body.log_position).toBe(entry!.log_position);
  });

  it('answers 401 without a management token', async () => {
    const r = await svc.http.get('/api/v2/audit/checkpoint');
    expect(r.status).toBe(401);
  });

  it('reports the verifiable log in /health/ready', async () => {
    const r = await svc.http.get<{ info: Record<string, { status: string; state: string }> }>('/health/ready');
    expect(r.status).toBe(200);
    expect(r.body.info.verifiable_log).toMatchObject({ status: 'up', state: 'signing' });
  });
});
