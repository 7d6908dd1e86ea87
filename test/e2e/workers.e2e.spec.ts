/**
 * WORKERS=2 on the embedded default, through the real entry point as a
 * process: a cluster primary, the projector worker and one follower worker
 * sharing DATA_DIR. Every call that must reach both workers goes over a fresh
 * connection (Node's cluster spreads connections round-robin); which worker
 * answered is read from the request log (each worker's lines carry its pid).
 */
import { rmSync } from 'node:fs';
import { startCluster } from '../support/cluster-service';
import type { EntryProcess } from '../../tools/support/entry-process';
import { onFreshConnection } from '../support/fresh-connection';
import { createClient, issueRefreshToken, JWT_BEARER, type ServiceHandle } from '../support/fixtures';
import { tempDir, uniqueId } from '../support/token-service';

const MANAGEMENT_CLIENT_ID = 'workers-e2e-management';
const MANAGEMENT_CLIENT_SECRET = 'workers-e2e-management-secret-0123456789abcdef';
const DELEGATION_RATE_LIMIT = 30;

/** Pids of the workers that logged a request to `route`, and how often each. */
function answeringPids(output: string, route: string): Map<number, number> {
  const pids = new Map<number, number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; pid?: number; req?: { route?: string } };
    if (entry.msg === 'request' && entry.req?.route === route && entry.pid !== undefined) pids.set(entry.pid, (pids.get(entry.pid) ?? 0) + 1);
  }
  return pids;
}

describe('token-service with WORKERS=2 (cluster on one DATA_DIR)', () => {
  const dataDir = tempDir('workers-e2e-');
  let service: EntryProcess;
  let port: number;
  let svc: ServiceHandle;
  /** Workers that had answered /delegation before the current test. */
  let initialPids = new Set<number>();

  beforeAll(async () => {
    ({ service, port, svc } = await startCluster({
      dataDir,
      managementClientId: MANAGEMENT_CLIENT_ID,
      managementClientSecret: MANAGEMENT_CLIENT_SECRET,
      env: { DELEGATION_RATE_LIMIT: String(DELEGATION_RATE_LIMIT), LOG_LEVEL: 'info', LOG_REQUESTS: 'true' },
    }));
  }, 90_000);

  afterAll(async () => {
    await service?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    initialPids = new Set(answeringPids(service.output, '/delegation').keys());
  });

  const delegation = (clientId: string, refreshToken: string) =>
    onFreshConnection(port, 'POST', '/delegation', { client_id: clientId, grant_type: JWT_BEARER, refresh_token: refreshToken });

  it('refuses a revoked token on every worker as soon as the revoke answered, whichever worker revoked it', async () => {
    const client = await createClient(svc);
    for (let round = 0; round < 4; round++) {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      expect((await delegation(client.client_id, issued.refresh_token)).status).toBe(200);
      const revoked = await onFreshConnection(port, 'DELETE', `/api/v2/refresh-tokens/${issued.id}`, undefined, await svc.managementToken());
      expect(revoked.status).toBe(204);
      // 21 (odd) fresh connections per round after the revoke: round-robin hands each round's revoke to the other worker.
      for (let i = 0; i < 21; i++) {
        const refused = await delegation(client.client_id, issued.refresh_token);
        expect({ status: refused.status, error: (refused.body as { error?: string }).error }).toEqual({ status: 400, error: 'invalid_grant' });
      }
    }
    const pids = answeringPids(service.output, '/delegation');
    expect(pids.size).toBe(2);
    expect(answeringPids(service.output, '/api/v2/refresh-tokens/:id').size).toBe(2);
  }, 60_000);

  it('counts the per-(IP, user) delegation limit exactly across the workers', async () => {
    const client = await createClient(svc);
    const issued = await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('limited') });
    const before = answeringPids(service.output, '/delegation');
    const statuses: number[] = [];
    for (let i = 0; i < DELEGATION_RATE_LIMIT + 10; i++) statuses.push((await delegation(client.client_id, issued.refresh_token)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(DELEGATION_RATE_LIMIT);
    expect(statuses.slice(DELEGATION_RATE_LIMIT)).toEqual(Array(10).fill(429));
    const after = answeringPids(service.output, '/delegation');
    // Both workers answered some of these calls.
    expect([...after].filter(([pid, count]) => count > (before.get(pid) ?? 0))).toHaveLength(2);
  }, 60_000);

  it('starts again a worker killed with SIGKILL, and keeps answering meanwhile', async () => {
    const client = await createClient(svc);
    const issued = await issueRefreshToken(svc, { client_id: client.client_id });
    const victim = [...answeringPids(service.output, '/delegation').keys()][0]!;
    process.kill(victim, 'SIGKILL');
    await service.waitForOutput(/worker died; starting another/, 10_000);
    // The cluster hands connections only to live workers: the survivor answers while the new one starts.
    expect((await delegation(client.client_id, issued.refresh_token)).status).toBe(200);
    const deadline = Date.now() + 60_000;
    let pids = answeringPids(service.output, '/delegation');
    while (![...pids.keys()].some((pid) => !initialPids.has(pid))) {
      if (Date.now() > deadline) throw new Error(`no new worker answered:\n${service.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // A token of another user each time: the per-user limit is not what this test is about.
      const another = await issueRefreshToken(svc, { client_id: client.client_id });
      expect((await delegation(client.client_id, another.refresh_token)).status).toBe(200);
      pids = answeringPids(service.output, '/delegation');
    }
    expect(service.running).toBe(true);
  }, 90_000);

});
