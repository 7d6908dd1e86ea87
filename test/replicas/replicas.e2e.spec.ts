/**
 * Three token-service replicas (real entry points, separate processes) on one
 * EventStoreDB (the in-repo TEST DOUBLE, or a real server when
 * EVENTSTORE_CONNECTION_STRING is set), the real Kafka broker, one standalone
 * relay and HAProxy in front, started by tools/topology, the module
 * `npm run topology` runs. Invariant 9: a write
 * answered by one replica is honoured by the others; a negative lookup
 * catches up with the store's head first.
 */
import { openEventStore, type EventStore } from '@app/event-store';
import { REFRESH_TOKEN_STREAM_PREFIX } from '@app/refresh-tokens';
import { startTopology, type Topology } from '../../tools/topology/topology';
import { testBrokers, uniqueTopic, waitFor } from '../kafka/broker';
import { issue, testCredential } from '../kafka/events';
import { RevocationTopic } from '../kafka-e2e/revocation-topic';
import {
  clientCredentialsToken,
  createClient,
  delegate,
  history,
  issueRefreshToken,
  JWT_BEARER,
  type IssuedRefreshToken,
  type ServiceHandle,
} from '../support/fixtures';
import { describeResponse, HttpClient, type HttpResponse } from '../support/http-client';
import { REAL_EVENTSTOREDB_CONNECTION_STRING } from '../support/token-service';
import { replicaHandles } from './replica-handles';

jest.setTimeout(180_000);

/** The replicas' bound on a catch-up (the default, stated so the 503 case can outlast it). */
const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

describe('three token-service replicas on one event store', () => {
  let topology: Topology;
  let topic: RevocationTopic;
  let store: EventStore;
  let a: ServiceHandle;
  let b: ServiceHandle;
  let c: ServiceHandle;

  beforeAll(async () => {
    topic = new RevocationTopic(testBrokers(), uniqueTopic('replicas'));
    await topic.start();
    topology = await startTopology({
      kafkaBrokers: testBrokers().join(','),
      topic: topic.topic,
      env: { READ_YOUR_WRITES_TIMEOUT_MS: String(READ_YOUR_WRITES_TIMEOUT_MS) },
    });
    [a, b, c] = replicaHandles(topology);
    store = await openEventStore({ kind: 'eventstoredb', connectionString: topology.eventStoreConnectionString });
  }, 180_000);

  /**
   * On the double, replica B's projection lags `ms` behind the log during
   * `run` (a real server's window is round trips wide, too narrow to hit
   * reliably on one machine): without the head catch-up B's lookups miss.
   * It returns once no delayed delivery is pending: a late one would hand B
   * every event appended since, ending the lag of the next caller early.
   */
  async function withLaggingB<T>(ms: number, run: () => Promise<T>): Promise<T> {
    if (!topology.double) return run();
    topology.double.faults.liveDelay = { connectionName: topology.replicas[1].name, ms };
    try {
      return await run();
    } finally {
      topology.double.faults.liveDelay = undefined;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }

  afterAll(async () => {
    await store?.close();
    await topology?.stop();
    await topic?.stop();
  });

  /** Polls `delegate` on `svc` until refused (the bound of invariant 9 for a positive lookup), failing after 3 s. */
  async function refusedOn(svc: ServiceHandle, clientId: string, token: IssuedRefreshToken): Promise<void> {
    const deadline = Date.now() + 3_000;
    for (;;) {
      const r = await delegate(svc, clientId, token.refresh_token);
      if (r.status === 400 || r.status === 401) {
        expect(r.body.error).toBe('invalid_grant');
        return;
      }
      if (Date.now() > deadline) throw new Error(`still accepted after 3 s: ${describeResponse(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const revocationsOf = async (svc: ServiceHandle, id: string) => (await history(svc, id)).events.filter((e) => e.type === 'RefreshTokenRevoked');

  it('answers through the proxy (HAProxy, compose\'s config) with the one issuer of every replica', async () => {
    const proxy = new HttpClient(topology.issuer);
    for (let i = 0; i < 6; i++) {
      const r = await proxy.get<{ issuer: string }>('/.well-known/openid-configuration');
      expect(r.status).toBe(200);
      expect(r.body.issuer).toBe(topology.issuer);
    }
    const client = await createClient(a);
    const token = await issueRefreshToken(a, { client_id: client.client_id });
    expect((await proxy.post('/delegation', { json: { client_id: client.client_id, grant_type: JWT_BEARER, refresh_token: token.refresh_token } })).status).toBe(200);
  });

  it('issues on A and delegates on B at once: B catches up instead of calling the token unknown', async () => {
    await withLaggingB(300, async () => {
      const client = await createClient(a);
      for (let i = 0; i < 5; i++) {
        const token = await issueRefreshToken(a, { client_id: client.client_id });
        const r = await delegate(b, client.client_id, token.refresh_token);
        expect(describeResponse(r)).toMatch(/^200 /);
      }
    });
  });

  it('revokes on B through the management API, right after A issued: revoked for real, refused on A and C', async () => {
    const client = await createClient(a);
    const token = await issueRefreshToken(a, { client_id: client.client_id });
    const r = await b.http.delete(`/api/v2/device-credentials/${token.id}`, { token: await b.managementToken() });
    expect(r.status).toBe(204);
    expect(await revocationsOf(c, token.id)).toHaveLength(1);
    await refusedOn(a, client.client_id, token);
    await refusedOn(c, client.client_id, token);
  });

  it('revokes on B with RFC 7009 right after A issued: the 200 means revoked, refused on A and C', async () => {
    const client = await createClient(a);
    const tokens = await withLaggingB(300, async () => {
      const issued: IssuedRefreshToken[] = [];
      for (let i = 0; i < 5; i++) {
        const token = await issueRefreshToken(a, { client_id: client.client_id });
        const r = await b.http.post('/oauth/revoke', { form: { token: token.refresh_token, client_id: client.client_id } });
        expect(r.status).toBe(200);
        // Without the catch-up B answered 200 from its stale read model and appended nothing.
        expect(await revocationsOf(a, token.id)).toHaveLength(1);
        issued.push(token);
      }
      return issued;
    });
    for (const token of tokens) {
      await refusedOn(a, client.client_id, token);
      await refusedOn(c, client.client_id, token);
    }
  });

  /** GET /api/v2/clients/{id} on `svc`, asserting 200 (also makes `svc` know the client before a lag starts). */
  async function knownOn(svc: ServiceHandle, clientId: string): Promise<void> {
    const r = await svc.http.get(`/api/v2/clients/${clientId}`, { token: await svc.managementToken() });
    expect(describeResponse(r)).toMatch(/^200 /);
  }

  it('registers a client on A and reads it at once on B: GET /api/v2/clients/{id} catches up instead of answering 404', async () => {
    await withLaggingB(300, async () => {
      for (let i = 0; i < 3; i++) {
        const client = await createClient(a);
        const r = await b.http.get<{ client_id: string }>(`/api/v2/clients/${client.client_id}`, { token: await b.managementToken() });
        expect(describeResponse(r)).toMatch(/^200 /);
        expect(r.body.client_id).toBe(client.client_id);
      }
    });
  });

  it('delegates on B at once with an id_token whose credential (sid) A issued: B catches up instead of invalid_grant', async () => {
    const client = await createClient(a);
    await knownOn(b, client.client_id); // so only the sid lookup can miss on B
    await withLaggingB(300, async () => {
      for (let i = 0; i < 3; i++) {
        const token = await issueRefreshToken(a, { client_id: client.client_id });
        const minted = await delegate(a, client.client_id, token.refresh_token);
        expect(describeResponse(minted)).toMatch(/^200 /);
        const r = await b.http.post<{ id_token: string }>('/delegation', {
          json: { client_id: client.client_id, grant_type: JWT_BEARER, id_token: minted.body.id_token },
        });
        expect(describeResponse(r)).toMatch(/^200 /);
        expect(r.body.id_token).toEqual(expect.any(String));
      }
    });
  });

  it('knows at once on B a client or grant just made on A: as /delegation target, for a client grant, a bulk revoke, client_credentials and the management API', async () => {
    const client = await createClient(a);
    const token = await issueRefreshToken(a, { client_id: client.client_id });
    expect(describeResponse(await delegate(b, client.client_id, token.refresh_token))).toMatch(/^200 /); // B knows both
    const machine = await createClient(a, { app_type: 'non_interactive' });
    await knownOn(b, machine.client_id); // only its grant will be new to B
    const admin = await b.managementToken();
    const answers = await withLaggingB(300, async () => {
      const target = await createClient(a, { allowed_clients: [client.client_id] });
      const asTarget = await delegate(b, client.client_id, token.refresh_token, { target: target.client_id });

      const granted = await createClient(a, { app_type: 'non_interactive' });
      const clientGrant = await b.http.post('/api/v2/client-grants', {
        token: admin,
        json: { client_id: granted.client_id, audience: b.managementAudience, scope: ['read:clients'] },
      });

      const bulk = await createClient(a);
      const bulkRevoke = await b.http.delete(`/api/v2/clients/${bulk.client_id}/refresh-tokens`, { token: admin });

      const machineGrant = await a.http.post('/api/v2/client-grants', {
        token: admin,
        json: { client_id: machine.client_id, audience: a.managementAudience, scope: ['read:clients'] },
      });
      expect(describeResponse(machineGrant)).toMatch(/^201 /);
      // client_credentials on B (the grant is new to B), then a token minted on A on B's management API (the guard's grant lookup).
      const clientCredentials = await b.http.post<{ access_token?: string }>('/oauth/token', {
        json: { grant_type: 'client_credentials', client_id: machine.client_id, client_secret: machine.client_secret, audience: b.managementAudience },
      });
      const other = await createClient(a, { app_type: 'non_interactive' });
      await knownOn(b, other.client_id);
      await a.http.post('/api/v2/client-grants', { token: admin, json: { client_id: other.client_id, audience: a.managementAudience, scope: ['read:clients'] } });
      const otherToken = await clientCredentialsToken(a, other.client_id, other.client_secret!);
      const managementApi = await b.http.get(`/api/v2/clients/${other.client_id}`, { token: otherToken });
      return { asTarget, clientGrant, bulkRevoke, clientCredentials, managementApi };
    });
    expect(Object.fromEntries(Object.entries(answers).map(([step, r]) => [step, r.status]))).toEqual({
      asTarget: 200,
      clientGrant: 201,
      bulkRevoke: 204,
      clientCredentials: 200,
      managementApi: 200,
    });
  });

  const expectUnavailable = (r: HttpResponse, shape: 'oauth' | 'management') => {
    expect(`${r.status} retry-after=${r.headers.get('retry-after')}`).toMatch(/^503 retry-after=\d+$/);
    if (shape === 'oauth') expect(r.body).toMatchObject({ error: 'temporarily_unavailable' });
    else expect(r.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', errorCode: 'temporarily_unavailable' });
  };

  // Needs the double's live-feed delay: a real server cannot be made to lag from here.
  if (!REAL_EVENTSTOREDB_CONNECTION_STRING) {
    it('answers 503 with Retry-After, never "unknown" nor a revocation that did not happen, when B cannot reach the head within READ_YOUR_WRITES_TIMEOUT_MS', async () => {
      const client = await createClient(a);
      await knownOn(b, client.client_id);
      const admin = await b.managementToken();
      const { token, answers } = await withLaggingB(READ_YOUR_WRITES_TIMEOUT_MS + 3_000, async () => {
        const issued = await issueRefreshToken(a, { client_id: client.client_id });
        const other = await createClient(a);
        const started = Date.now();
        const [revoke, delegation, deviceCredential, newClient] = await Promise.all([
          b.http.post('/oauth/revoke', { form: { token: issued.refresh_token, client_id: client.client_id } }),
          delegate(b, client.client_id, issued.refresh_token),
          b.http.delete(`/api/v2/device-credentials/${issued.id}`, { token: admin }),
          b.http.get(`/api/v2/clients/${other.client_id}`, { token: admin }),
        ]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(READ_YOUR_WRITES_TIMEOUT_MS - 100); // it waited its bound first
        return { token: issued, answers: { revoke, delegation, deviceCredential, newClient } };
      });
      expectUnavailable(answers.revoke, 'oauth');
      expectUnavailable(answers.delegation, 'oauth');
      expectUnavailable(answers.deviceCredential, 'management');
      expectUnavailable(answers.newClient, 'management');
      // Nothing was revoked, and the token still works: the 503 told no lie.
      expect(await revocationsOf(a, token.id)).toHaveLength(0);
      expect(describeResponse(await delegate(a, client.client_id, token.refresh_token))).toMatch(/^200 /);
      // Once B caught up, the retry the 503 asked for does what was asked.
      const retried = await b.http.post('/oauth/revoke', { form: { token: token.refresh_token, client_id: client.client_id } });
      expect(retried.status).toBe(200);
      expect(await revocationsOf(a, token.id)).toHaveLength(1);
    });
  }

  it('turns a flood of unknown tokens at /oauth/revoke into a few head reads, not one each', async () => {
    const client = await createClient(a);
    const double = topology.double;
    const before = double?.calls.allReadsBackwards ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => b.http.post('/oauth/revoke', { form: { token: `unknown-${i}-${'x'.repeat(40)}`, client_id: client.client_id } })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(200).fill(200));
    // A head read is a backward read of $all; the proxy's probes and the relay read some too meanwhile.
    if (double) expect(double.calls.allReadsBackwards - before).toBeLessThan(40);
  });

  /** Every credential of `clientId` in the log, whatever its issuance answered (201, or 404 once the deletion was seen). */
  async function credentialsOfClient(clientId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const event of store.readAll({ streamPrefixes: [REFRESH_TOKEN_STREAM_PREFIX] })) {
      const data = event.data as { clientId?: string; credentialId?: string };
      if (event.type === 'RefreshTokenIssued' && data.clientId === clientId) ids.push(data.credentialId!);
    }
    return ids;
  }

  it('deletes a client on A while C issues for it: every credential of it ends revoked once, with its event and one Kafka message', async () => {
    const client = await createClient(a);
    const token = await c.managementToken();
    await issueRefreshToken(c, { client_id: client.client_id });
    const issue = (i: number) =>
      c.http.post<IssuedRefreshToken>('/api/v2/refresh-tokens', {
        token,
        json: { client_id: client.client_id, user_id: `race-user-${i}`, device_name: 'race', scope: 'openid offline_access' },
      });
    // Issuances on C before, during and after the deletion on A. The deletion starts once C has
    // answered a first 201 (not after a fixed delay: on a loaded machine C may answer none in time).
    let firstIssued!: () => void;
    const oneIssued = new Promise<void>((resolve) => (firstIssued = resolve));
    const issuances = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, i * 2))
          .then(() => issue(i))
          .then((r) => {
            if (r.status === 201) firstIssued();
            return r;
          }),
      ),
    );
    await Promise.race([oneIssued, issuances]);
    const deleted = await a.http.delete(`/api/v2/clients/${client.client_id}`, { token });
    expect(deleted.status).toBe(204);
    const answers = await issuances;
    for (const r of answers) expect([201, 404]).toContain(r.status); // never a 5xx
    expect(answers.some((r) => r.status === 201)).toBe(true);

    const ids = await credentialsOfClient(client.client_id);
    expect(ids.length).toBeGreaterThan(answers.filter((r) => r.status === 201).length); // the warm-up token too
    // Each ends with exactly one RefreshTokenRevoked (replicas racing on one token: the decider judges).
    await waitFor(
      async () => (await Promise.all(ids.map((id) => revocationsOf(b, id)))).every((revocations) => revocations.length >= 1),
      15_000,
      () => `not every credential of ${client.client_id} was revoked`,
    );
    for (const id of ids) expect(await revocationsOf(b, id)).toHaveLength(1);
    await topic.waitForSubjects(ids, 20_000);
    for (const id of ids) expect(new Set(topic.recordsOf(id).map((r) => r.headers.ce_id)).size).toBe(1);
  });

  it('revokes a token whose issuing replica died before seeing the deletion of its client (the sweep), with one Kafka message', async () => {
    const client = await createClient(a);
    const token = await a.managementToken();
    expect((await a.http.delete(`/api/v2/clients/${client.client_id}`, { token })).status).toBe(204);
    // As a replica would append it and then die: the issuance lands after the cascade, nobody answers for it.
    const orphan = testCredential({ clientId: client.client_id });
    await issue(store, orphan);
    await waitFor(async () => (await revocationsOf(c, orphan.credentialId)).length === 1, 10_000, () => `${orphan.credentialId} not revoked by a sweep`);
    await topic.waitForSubjects([orphan.credentialId], 20_000);
    expect(topic.recordsOf(orphan.credentialId)).toHaveLength(1);
  });

  it('survives kill -9 of one replica under load: the others keep answering and no acknowledged issuance is lost', async () => {
    const client = await createClient(a);
    const token = await a.managementToken();
    const handles = [a, b, c];
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let killed = false;
    let stop = false;
    const load = async (index: number): Promise<void> => {
      const svc = handles[index];
      for (let i = 0; !stop; i++) {
        const r = await svc.http
          .post<IssuedRefreshToken>('/api/v2/refresh-tokens', { token, json: { client_id: client.client_id, user_id: `load-${index}-${i}`, device_name: 'load', scope: 'openid offline_access' } })
          .catch((error: Error) => ({ status: 0, body: undefined, text: error.message }));
        if (r.status === 201 && r.body) {
          acknowledged.push(r.body.id);
          const used = await delegate(svc, client.client_id, r.body.refresh_token).catch(() => undefined);
          if (used && used.status !== 200 && index !== 1) failures.push(`replica ${index} delegation ${used.status}`);
        } else if (!(index === 1 && killed)) {
          failures.push(`replica ${index}: ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    };
    const loads = [0, 1, 2].map(load);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    killed = true;
    const victim = topology.replicas[1].process;
    process.kill(victim.pid, 'SIGKILL');
    await victim.exited;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    stop = true;
    await Promise.all(loads);

    expect(failures).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(10);
    // Every acknowledged issuance, including B's before it died, is there on the survivors.
    for (const id of acknowledged) {
      for (const svc of [a, c]) {
        const r = await svc.http.get(`/api/v2/refresh-tokens/${id}`, { token });
        expect(`${id} ${r.status}`).toBe(`${id} 200`);
      }
    }
    // And B comes back on its DATA_DIR, catching up with what it missed.
    await topology.replicas[1].restart();
    const last = acknowledged[acknowledged.length - 1];
    expect((await b.http.get(`/api/v2/refresh-tokens/${last}`, { token })).status).toBe(200);
  });
});
