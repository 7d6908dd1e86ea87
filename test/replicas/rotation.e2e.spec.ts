/**
 * Rotation on three replicas (tools/topology: real entry points on one
 * EventStoreDB — the in-repo TEST DOUBLE, or a real server when
 * EVENTSTORE_CONNECTION_STRING is set — behind HAProxy). A family has one
 * head: concurrent exchanges of one token spread over the replicas get one
 * identical successor and append one rotation; a replica whose projection
 * lags still answers the winner's successor, never a second branch.
 */
import { openEventStore, type EventStore } from '@app/event-store';
import { refreshTokenStreamId } from '@app/refresh-tokens';
import { startTopology, type Topology } from '../../tools/topology/topology';
import { testBrokers, uniqueTopic } from '../kafka/broker';
import { RevocationTopic } from '../kafka-e2e/revocation-topic';
import { createClient, issueRefreshToken, type ServiceHandle } from '../support/fixtures';
import { describeResponse, type HttpResponse } from '../support/http-client';
import { replicaHandles } from './replica-handles';

jest.setTimeout(180_000);

interface TokenAnswer {
  refresh_token?: string;
  id_token?: string;
  error?: string;
}

describe('rotation on three replicas', () => {
  let topology: Topology;
  let topic: RevocationTopic;
  let store: EventStore;
  let replicas: ServiceHandle[];

  beforeAll(async () => {
    topic = new RevocationTopic(testBrokers(), uniqueTopic('rotation-replicas'));
    await topic.start();
    topology = await startTopology({ kafkaBrokers: testBrokers().join(','), topic: topic.topic });
    replicas = replicaHandles(topology);
    store = await openEventStore({ kind: 'eventstoredb', connectionString: topology.eventStoreConnectionString });
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    await topology?.stop();
    await topic?.stop();
  });

  const rotatingClient = (leeway: number) =>
    createClient(replicas[0], { app_type: 'native', refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway } });

  const exchange = (svc: ServiceHandle, clientId: string, refreshToken: string): Promise<HttpResponse<TokenAnswer>> =>
    svc.http.post<TokenAnswer>('/oauth/token', { json: { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken } });

  const rotationsOf = async (credentialId: string): Promise<number> =>
    (await store.readStream(refreshTokenStreamId(credentialId))).filter((e) => e.type === 'RefreshTokenRotated').length;

  it('answers 8 concurrent exchanges of one token, spread over the replicas, with one successor and one rotation', async () => {
    const client = await rotatingClient(30);
    const token = await issueRefreshToken(replicas[0], { client_id: client.client_id });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => exchange(replicas[i % 3], client.client_id, token.refresh_token)));
    for (const r of answers) expect(describeResponse(r)).toMatch(/^200 /);
    const successors = new Set(answers.map((r) => r.body.refresh_token));
    expect(successors.size).toBe(1);
    const [successor] = [...successors];
    expect(successor).toMatch(/^rt_/);
    expect(successor).not.toBe(token.refresh_token);
    expect(await rotationsOf(token.id)).toBe(1);

    // The successor is the one head, on every replica: it rotates once more.
    const next = await exchange(replicas[2], client.client_id, successor!);
    expect(describeResponse(next)).toMatch(/^200 /);
    expect(next.body.refresh_token).not.toBe(successor);
    expect(await rotationsOf(token.id)).toBe(2);
  });

  it('revokes the family when a spent token comes back outside the window, once, whichever replica sees it', async () => {
    const client = await rotatingClient(0);
    const token = await issueRefreshToken(replicas[0], { client_id: client.client_id });
    const first = await exchange(replicas[0], client.client_id, token.refresh_token);
    expect(describeResponse(first)).toMatch(/^200 /);
    // The attacker replays the spent token on two other replicas at once.
    const replays = await Promise.all([exchange(replicas[1], client.client_id, token.refresh_token), exchange(replicas[2], client.client_id, token.refresh_token)]);
    for (const r of replays) {
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('invalid_grant');
    }
    const events = await store.readStream(refreshTokenStreamId(token.id));
    const revocations = events.filter((e) => e.type === 'RefreshTokenRevoked');
    expect(revocations).toHaveLength(1);
    expect((revocations[0].data as { reason: string }).reason).toBe('reuse_detected');
    // The whole family: the legitimate successor is refused too.
    const after = await exchange(replicas[1], client.client_id, first.body.refresh_token!);
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });

  it('answers the winner\'s successor on a replica whose projection lags, then rotates that successor there', async () => {
    const client = await rotatingClient(30);
    const token = await issueRefreshToken(replicas[0], { client_id: client.client_id });
    // B's subscription gets each event 400 ms late (the double's fault): B's read model trails A's answers.
    if (topology.double) topology.double.faults.liveDelay = { connectionName: topology.replicas[1].name, ms: 400 };
    try {
      const onA = await exchange(replicas[0], client.client_id, token.refresh_token);
      expect(describeResponse(onA)).toMatch(/^200 /);
      // B still holds the first token as the head; the family's stream says it was spent a moment ago: same successor, no event.
      const onB = await exchange(replicas[1], client.client_id, token.refresh_token);
      expect(describeResponse(onB)).toMatch(/^200 /);
      expect(onB.body.refresh_token).toBe(onA.body.refresh_token);
      expect(await rotationsOf(token.id)).toBe(1);
      // A successor B has not projected yet: B catches up on the miss and rotates it.
      const next = await exchange(replicas[1], client.client_id, onA.body.refresh_token!);
      expect(describeResponse(next)).toMatch(/^200 /);
      expect(next.body.refresh_token).not.toBe(onA.body.refresh_token);
    } finally {
      if (topology.double) topology.double.faults.liveDelay = undefined;
    }
    expect(await rotationsOf(token.id)).toBe(2);
  });
});
