/**
 * Refresh-token rotation at /oauth/token, end to end on both event stores
 * (EventStoreDB through its test double): the successor, the overlap window,
 * reuse detection with its one Kafka record on the real broker, eight
 * concurrent exchanges, /delegation's refusal, and the legacy path unchanged.
 */
import { decodeJwt } from 'jose';
import { testBrokers, uniqueTopic } from '../../../../../test/kafka/broker';
import { RevocationTopic } from '../../../../../test/kafka-e2e/revocation-topic';
import { delegate, history, issueRefreshToken } from '../../../../../test/support/fixtures';
import { clientWithPolicy, expectedSuccessor, familyEvents, refreshGrant, rotationEnv, UNKNOWN } from '../../../../../test/support/rotation';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';
import { refreshTokenStreamId } from '@app/refresh-tokens';
import { EVENT_STORE } from '../../infrastructure/tokens';

jest.setTimeout(120_000);

const FILE_TOPIC = uniqueTopic('rotation-e2e');
const ROTATING = { rotation_type: 'rotating', expiration_type: 'expiring', token_lifetime: 86_400, idle_token_lifetime: 3_600 } as const;

describe.each(ADAPTERS)('refresh-token rotation (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let topic: RevocationTopic;

  beforeAll(async () => {
    topic = new RevocationTopic(testBrokers(), `${FILE_TOPIC}.${adapter}`);
    await topic.start();
    svc = await startTokenService({
      adapter,
      env: rotationEnv({ EMBEDDED_RELAY: 'true', KAFKA_BROKERS: testBrokers().join(','), KAFKA_REVOCATIONS_TOPIC: topic.topic }),
    });
  });
  afterAll(async () => {
    await svc?.close();
    await topic?.stop();
  });

  it('answers a new refresh_token (RFC 6749 §6), derived, never stored; the credential id (sid) stays', async () => {
    const app = await clientWithPolicy(svc, { ...ROTATING, leeway: 0 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });

    const first = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toBe(expectedSuccessor(issued.id, 1, issued.refresh_token));
    expect(decodeJwt(first.body.id_token).sid).toBe(issued.id);

    const second = await refreshGrant(svc, app.client_id, first.body.refresh_token!);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toBe(expectedSuccessor(issued.id, 2, first.body.refresh_token!));
    expect(decodeJwt(second.body.id_token).sid).toBe(issued.id);

    const events = await familyEvents(svc, issued.id);
    expect(events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRotated', 'RefreshTokenRotated']);
    const stored = JSON.stringify(events);
    for (const secret of [issued.refresh_token, first.body.refresh_token!, second.body.refresh_token!]) expect(stored).not.toContain(secret);
    // The history names the rotations by generation, never a hash or a secret of them.
    const rotations = (await history(svc, issued.id)).events.filter((e) => e.type === 'RefreshTokenRotated');
    expect(rotations.map((e) => e.data.generation)).toEqual([1, 2]);
    expect(Object.keys(rotations[0].data).sort()).toEqual(
      ['client_id', 'credential_id', 'device_id', 'expires_at', 'generation', 'idle_expires_at', 'rotated_at', 'user_id'].sort(),
    );
  });

  it('answers the same successor to the spent token inside the leeway, with one rotation in the log', async () => {
    const app = await clientWithPolicy(svc, { ...ROTATING, leeway: 30 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });

    const first = await refreshGrant(svc, app.client_id, issued.refresh_token);
    const again = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.refresh_token).toBe(first.body.refresh_token);
    expect((await familyEvents(svc, issued.id)).filter((e) => e.type === 'RefreshTokenRotated')).toHaveLength(1);

    // Once the successor is used, the predecessor is spent for good: a reuse.
    expect((await refreshGrant(svc, app.client_id, first.body.refresh_token!)).status).toBe(200);
    const late = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(late.status).toBe(400);
    expect(late.body).toEqual(UNKNOWN);
  });

  it('revokes the family on reuse: invalid_grant, every secret refused, one Kafka record with reason reuse_detected, the metric counts it', async () => {
    const app = await clientWithPolicy(svc, { ...ROTATING, leeway: 0 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    const metricBefore = await reuseMetric(svc);
    const first = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(first.status).toBe(200);

    const reused = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual(UNKNOWN);
    const successor = await refreshGrant(svc, app.client_id, first.body.refresh_token!);
    expect(successor.status).toBe(400);
    expect(successor.body).toEqual(UNKNOWN);
    expect((await refreshGrant(svc, app.client_id, issued.refresh_token)).status).toBe(400);

    const revocations = (await familyEvents(svc, issued.id)).filter((e) => e.type === 'RefreshTokenRevoked');
    expect(revocations).toEqual([{ type: 'RefreshTokenRevoked', data: expect.objectContaining({ reason: 'reuse_detected', revokedBy: 'system' }) }]);
    await topic.waitForSubjects([issued.id]);
    const records = topic.recordsOf(issued.id);
    expect(records).toHaveLength(1);
    expect(records[0].value).toMatchObject({ credential_id: issued.id, reason: 'reuse_detected', revoked_by: 'system' });
    expect(JSON.stringify(records[0])).not.toContain(issued.refresh_token);
    expect(await reuseMetric(svc)).toBe(metricBefore + 1);
  });

  it('eight concurrent exchanges of one token: eight identical successors, exactly one rotation', async () => {
    const app = await clientWithPolicy(svc, { ...ROTATING, leeway: 10 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });

    const answers = await Promise.all(Array.from({ length: 8 }, () => refreshGrant(svc, app.client_id, issued.refresh_token)));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((r) => r.body.refresh_token))).toEqual(new Set([expectedSuccessor(issued.id, 1, issued.refresh_token)]));
    const events = await familyEvents(svc, issued.id);
    expect(events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRotated']);
  });

  it('/delegation refuses a rotating client\'s token and does not spend it', async () => {
    const app = await clientWithPolicy(svc, { ...ROTATING, leeway: 0 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });

    const refused = await delegate(svc, app.client_id, issued.refresh_token);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_grant', error_description: 'Rotating refresh tokens are exchanged at /oauth/token.' });
    expect((await familyEvents(svc, issued.id)).map((e) => e.type)).toEqual(['RefreshTokenIssued']);
    const exchanged = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.refresh_token).toBe(expectedSuccessor(issued.id, 1, issued.refresh_token));
  });

  it('leaves the legacy path as it was: no refresh_token in the answer, nothing written, however often it is used', async () => {
    const app = await clientWithPolicy(svc, { rotation_type: 'non-rotating', expiration_type: 'non-expiring' });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    // The legacy exchange reads the read model only: the store sees no read and no append of this family's stream.
    const store = svc.service.get(EVENT_STORE);
    const stream = refreshTokenStreamId(issued.id);
    const reads = jest.spyOn(store, 'readStream');
    const appends = jest.spyOn(store, 'appendToStream');

    for (let i = 0; i < 3; i++) {
      const r = await refreshGrant(svc, app.client_id, issued.refresh_token);
      expect(r.status).toBe(200);
      expect(r.body.refresh_token).toBeUndefined();
      expect((await delegate(svc, app.client_id, issued.refresh_token)).status).toBe(200);
    }
    const touched = [...reads.mock.calls, ...appends.mock.calls].filter(([streamId]) => streamId === stream);
    reads.mockRestore();
    appends.mockRestore();
    expect(touched).toEqual([]);
    expect((await familyEvents(svc, issued.id)).map((e) => e.type)).toEqual(['RefreshTokenIssued']);
  });
});

async function reuseMetric(svc: TokenServiceUnderTest): Promise<number> {
  const r = await svc.http.get('/metrics');
  const line = r.text.split('\n').find((l) => l.startsWith('refresh_token_reuse_detected_total '));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}
