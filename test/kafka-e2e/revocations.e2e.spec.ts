/**
 * Issue 4, end to end: every revocation path of the HTTP service produces
 * exactly the right Kafka records on the real broker (product.md, "Kafka
 * message"), through the embedded relay, as `npm start` runs it.
 *
 * How "exactly" is checked: each test counts the topic's records on the
 * broker before it acts (sum of watermarks over every partition), then acts,
 * waits for the records it expects, and finally revokes a SENTINEL token. The
 * relay publishes in log order, so once the sentinel is on the topic every
 * earlier event is too; the broker's count must then have grown by exactly
 * the expected records + 1. That catches a record for an issuance, for an
 * idempotent second revoke, or for a credential a filter should have spared,
 * whichever partition it landed on.
 *
 * Runs on both adapters (EventStoreDB through the harness's gRPC test
 * double). The broker is the shared one test/global-setup.js started; each
 * service gets a topic of its own so parallel runs never mix.
 */
import { rmSync } from 'node:fs';
import type { RecordedEvent } from '@app/event-store';
import { refreshTokenStreamId } from '@app/refresh-tokens';
import { CredentialRevokedError, RevocationListener } from '@refresh-token-service/revocation-events';
import { testBrokers, uniqueTopic, waitFor } from '../kafka/broker';
import { createClient, delegate, history, issueRefreshToken, type CreatedClient, type IssuedRefreshToken } from '../support/fixtures';
import { ADAPTERS, startTokenService, tempDir, uniqueId, type TokenServiceUnderTest } from '../support/token-service';
import { EVENT_STORE } from '../../apps/token-service/src/infrastructure/tokens';
import { RevocationTopic } from './revocation-topic';

jest.setTimeout(120_000);

/** One topic prefix per test file; each service below appends its own label. */
const FILE_TOPIC = uniqueTopic('revocations-e2e');

/** Environment that turns the embedded relay on against the shared test broker (the harness defaults it off). */
function kafkaEnv(topic: string): Record<string, string> {
  return { EMBEDDED_RELAY: 'true', KAFKA_BROKERS: testBrokers().join(','), KAFKA_REVOCATIONS_TOPIC: topic, DELEGATION_RATE_LIMIT: '0' };
}

interface ExpectedRevocation {
  token: IssuedRefreshToken;
  reason: string;
  actor: string;
}

/** The RefreshTokenRevoked of a credential as the log holds it (its id must be the record's ce_id). */
async function revokedEventInLog(svc: TokenServiceUnderTest, credentialId: string): Promise<RecordedEvent> {
  const events = await svc.service.get(EVENT_STORE).readStream(refreshTokenStreamId(credentialId));
  const revoked = events.filter((e) => e.type === 'RefreshTokenRevoked');
  expect(revoked).toHaveLength(1);
  return revoked[0];
}

/** Exactly one record for the credential, and every header and field of it as the contract says. */
async function expectRecord(svc: TokenServiceUnderTest, topic: RevocationTopic, expected: ExpectedRevocation): Promise<void> {
  const t = expected.token;
  const records = topic.recordsOf(t.id);
  expect(records).toHaveLength(1);
  const [record] = records;
  const event = await revokedEventInLog(svc, t.id);
  const entry = (await history(svc, t.id)).events.find((e) => e.type === 'RefreshTokenRevoked');
  expect(entry).toMatchObject({ actor: expected.actor, reason: expected.reason });
  const revokedAt = entry!.data.revoked_at;
  expect(typeof revokedAt).toBe('string');
  expect(Number.isNaN(Date.parse(revokedAt as string))).toBe(false);

  expect(record.key).toBe(t.user_id);
  expect(record.headers).toEqual({
    ce_specversion: '1.0',
    ce_id: event.id,
    ce_source: svc.issuer,
    ce_type: 'refresh_token.revoked',
    ce_time: revokedAt,
    ce_subject: t.id,
    'content-type': 'application/json',
    // A detached compact JWS (product.md "Signed messages"); the listener below verifies it with the service's JWKS.
    ce_signature: expect.stringMatching(/^[\w-]+\.\.[\w-]+$/),
  });
  expect(record.value).toEqual({
    credential_id: t.id,
    client_id: t.client_id,
    user_id: t.user_id,
    device_id: t.device_id,
    device_name: t.device_name,
    reason: expected.reason,
    revoked_by: expected.actor,
    revoked_at: revokedAt,
    // The history API's log_position is the record's (and the log's).
    log_position: entry!.log_position,
  });
  expect(entry!.log_position).toBe(event.position);
}

describe.each(ADAPTERS)('revocations on Kafka through the HTTP service (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let topic: RevocationTopic;
  let mgmt: string;
  let appA: CreatedClient;
  let appB: CreatedClient;
  let sentinelApp: CreatedClient;

  beforeAll(async () => {
    topic = new RevocationTopic(testBrokers(), `${FILE_TOPIC}.${adapter}`);
    await topic.start();
    svc = await startTokenService({ adapter, env: kafkaEnv(topic.topic) });
    mgmt = await svc.managementToken();
    appA = await createClient(svc, { app_type: 'native' });
    appB = await createClient(svc, { app_type: 'native' });
    sentinelApp = await createClient(svc, { app_type: 'native' });
  });
  afterAll(async () => {
    await svc?.close();
    await topic?.stop();
  });

  let deviceCounter = 0;
  const issue = (clientId: string, userId: string, deviceId = `device-${++deviceCounter}`): Promise<IssuedRefreshToken> =>
    issueRefreshToken(svc, { client_id: clientId, user_id: userId, device_id: deviceId, device_name: `Phone ${deviceId}` });

  const userPath = (userId: string) => `/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`;

  /**
   * Waits for the expected records, pushes a sentinel revocation through, then
   * checks the broker holds exactly `expected.length + 1` more records than
   * `before`, and each expected record field by field.
   */
  async function expectPublished(before: number, expected: ExpectedRevocation[]): Promise<void> {
    await topic.waitForSubjects(expected.map((e) => e.token.id));
    const sentinel = await issue(sentinelApp.client_id, uniqueId('sentinel'));
    const r = await svc.http.delete(`/api/v2/refresh-tokens/${sentinel.id}`, { token: mgmt, query: { reason: 'sentinel' } });
    expect(r.status).toBe(204);
    await topic.waitForSubjects([sentinel.id]);
    expect(await topic.recordCount()).toBe(before + expected.length + 1);
    for (const e of expected) await expectRecord(svc, topic, e);
  }

  it('DELETE /api/v2/refresh-tokens/{id}: one record; none for the issuance, none for the second (idempotent) DELETE', async () => {
    const before = await topic.recordCount();
    const userId = uniqueId('auth0|user');
    const token = await issue(appA.client_id, userId);
    const kept = await issue(appA.client_id, userId);
    for (let i = 0; i < 2; i++) {
      expect((await svc.http.delete(`/api/v2/refresh-tokens/${token.id}`, { token: mgmt })).status).toBe(204);
    }
    await expectPublished(before, [{ token, reason: 'refresh_token_deleted', actor: svc.managementClientId }]);
    expect(topic.recordsOf(kept.id)).toEqual([]);
  });

  it('DELETE /api/v2/device-credentials/{id}: one record with the default or the given reason; a second DELETE (404) adds none', async () => {
    const before = await topic.recordCount();
    const userId = uniqueId('auth0|user');
    const plain = await issue(appA.client_id, userId);
    const withReason = await issue(appB.client_id, userId);
    expect((await svc.http.delete(`/api/v2/device-credentials/${plain.id}`, { token: mgmt })).status).toBe(204);
    expect((await svc.http.delete(`/api/v2/device-credentials/${plain.id}`, { token: mgmt })).status).toBe(404);
    expect((await svc.http.delete(`/api/v2/device-credentials/${withReason.id}`, { token: mgmt, query: { reason: 'lost_device' } })).status).toBe(204);
    await expectPublished(before, [
      { token: plain, reason: 'device_credential_deleted', actor: svc.managementClientId },
      { token: withReason, reason: 'lost_device', actor: svc.managementClientId },
    ]);
  });

  it('POST /oauth/revoke (RFC 7009): one record by the calling client, reason rfc7009; a second revoke adds none', async () => {
    const before = await topic.recordCount();
    const token = await issue(appA.client_id, uniqueId('auth0|user'));
    for (let i = 0; i < 2; i++) {
      const r = await svc.http.post('/oauth/revoke', { form: { client_id: appA.client_id, token: token.refresh_token, token_type_hint: 'refresh_token' } });
      expect(r.status).toBe(200);
    }
    // Another client's attempt on a token that is not its own revokes nothing (RFC 7009 §2.1).
    const foreign = await issue(appB.client_id, uniqueId('auth0|user'));
    expect((await svc.http.post('/oauth/revoke', { json: { client_id: appA.client_id, token: foreign.refresh_token } })).status).toBe(200);
    await expectPublished(before, [{ token, reason: 'rfc7009', actor: appA.client_id }]);
    expect(topic.recordsOf(foreign.id)).toEqual([]);
  });

  it('DELETE /api/v2/users/{id}/refresh-tokens with client_id and/or device_id filters: one record per matching token, none for the others', async () => {
    const userId = uniqueId('auth0|user');
    const a1 = await issue(appA.client_id, userId, 'laptop');
    const a2 = await issue(appA.client_id, userId, 'phone');
    const b1 = await issue(appB.client_id, userId, 'laptop');
    const b2 = await issue(appB.client_id, userId, 'tablet');
    const b3 = await issue(appB.client_id, userId, 'phone');
    const otherUser = await issue(appA.client_id, uniqueId('auth0|user'), 'laptop');
    const as = (token: IssuedRefreshToken): ExpectedRevocation => ({ token, reason: 'user_bulk_revoke', actor: svc.managementClientId });

    let before = await topic.recordCount();
    expect((await svc.http.delete(userPath(userId), { token: mgmt, query: { client_id: appB.client_id, device_id: 'laptop' } })).status).toBe(204);
    await expectPublished(before, [as(b1)]);

    before = await topic.recordCount();
    expect((await svc.http.delete(userPath(userId), { token: mgmt, query: { client_id: appA.client_id } })).status).toBe(204);
    await expectPublished(before, [as(a1), as(a2)]);

    before = await topic.recordCount();
    expect((await svc.http.delete(userPath(userId), { token: mgmt, query: { device_id: 'tablet', reason: 'tablet_stolen' } })).status).toBe(204);
    await expectPublished(before, [{ ...as(b2), reason: 'tablet_stolen' }]);

    for (const spared of [b3, otherUser]) expect(topic.recordsOf(spared.id)).toEqual([]);
    expect((await delegate(svc, appB.client_id, b3.refresh_token)).status).toBe(200);
  });

  it('DELETE /api/v2/users/{id}/refresh-tokens without filters: one record per valid token of the user; a second call adds none', async () => {
    const userId = uniqueId('auth0|user');
    const gone = await issue(appA.client_id, userId);
    expect((await svc.http.delete(`/api/v2/refresh-tokens/${gone.id}`, { token: mgmt })).status).toBe(204);
    await topic.waitForSubjects([gone.id]);
    const tokens = [await issue(appA.client_id, userId), await issue(appB.client_id, userId), await issue(appB.client_id, userId)];
    const otherUser = await issue(appA.client_id, uniqueId('auth0|user'));

    const before = await topic.recordCount();
    for (let i = 0; i < 2; i++) expect((await svc.http.delete(userPath(userId), { token: mgmt })).status).toBe(204);
    await expectPublished(
      before,
      tokens.map((token) => ({ token, reason: 'user_bulk_revoke', actor: svc.managementClientId })),
    );
    // The token revoked before the bulk call keeps its single record.
    expect(topic.recordsOf(gone.id)).toHaveLength(1);
    expect(topic.recordsOf(otherUser.id)).toEqual([]);
  });

  it('DELETE /api/v2/clients/{id}: one record per token of the client, actor system, reason client_deleted, keyed by each user', async () => {
    const doomed = await createClient(svc, { app_type: 'native' });
    const [u1, u2] = [uniqueId('auth0|user'), uniqueId('auth0|user')];
    const tokens = [await issue(doomed.client_id, u1), await issue(doomed.client_id, u1), await issue(doomed.client_id, u2)];
    const elsewhere = await issue(appA.client_id, u1);

    const before = await topic.recordCount();
    expect((await svc.http.delete(`/api/v2/clients/${doomed.client_id}`, { token: mgmt })).status).toBe(204);
    expect((await svc.http.delete(`/api/v2/clients/${doomed.client_id}`, { token: mgmt })).status).toBe(404);
    await expectPublished(
      before,
      tokens.map((token) => ({ token, reason: 'client_deleted', actor: 'system' })),
    );
    expect(topic.recordsOf(elsewhere.id)).toEqual([]);
  });

  it('DELETE /api/v2/clients/{id}/refresh-tokens: one record per token of the client by the management client; a second call adds none', async () => {
    const app = await createClient(svc, { app_type: 'native' });
    const userId = uniqueId('auth0|user');
    const tokens = [await issue(app.client_id, userId), await issue(app.client_id, uniqueId('auth0|user'))];
    const elsewhere = await issue(appA.client_id, userId);

    const before = await topic.recordCount();
    for (let i = 0; i < 2; i++) {
      expect((await svc.http.delete(`/api/v2/clients/${app.client_id}/refresh-tokens`, { token: mgmt })).status).toBe(204);
    }
    await expectPublished(
      before,
      tokens.map((token) => ({ token, reason: 'client_bulk_revoke', actor: svc.managementClientId })),
    );
    expect(topic.recordsOf(elsewhere.id)).toEqual([]);
    expect((await svc.http.get(`/api/v2/clients/${app.client_id}`, { token: mgmt })).status).toBe(200);
  });

  describe('a downstream RevocationListener', () => {
    let listener: RevocationListener;
    beforeAll(async () => {
      // As a downstream service should: only the service's signed records from its issuer count.
      listener = new RevocationListener({
        brokers: testBrokers(),
        groupId: uniqueId('e2e-listener'),
        topic: topic.topic,
        maxWaitTimeMs: 200,
        issuer: svc.issuer,
        jwksUri: `${svc.issuer}.well-known/jwks.json`,
      });
      await listener.start();
    });
    afterAll(async () => {
      await listener?.stop();
    });

    it('accepts an id_token from /delegation before the revoke and rejects it (CREDENTIAL_REVOKED) after', async () => {
      const token = await issue(appA.client_id, uniqueId('auth0|user'));
      const delegated = await delegate(svc, appA.client_id, token.refresh_token, { scope: 'openid' });
      expect(delegated.status).toBe(200);
      const idToken = delegated.body.id_token;
      const options = { jwksUri: `${svc.issuer}.well-known/jwks.json`, issuer: svc.issuer, audience: appA.client_id };

      const verified = await listener.verifyIdTokenNotRevoked(idToken, options);
      expect(verified).toMatchObject({ sid: token.id, sub: token.user_id });

      expect((await svc.http.delete(`/api/v2/device-credentials/${token.id}`, { token: mgmt })).status).toBe(204);
      await waitFor(() => listener.isRevoked(token.id), 20_000, () => `the listener never saw the revocation of ${token.id}`);
      const rejected = await listener.verifyIdTokenNotRevoked(idToken, options).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(rejected).toBeInstanceOf(CredentialRevokedError);
      expect(rejected).toMatchObject({ code: 'CREDENTIAL_REVOKED', credentialId: token.id });
      // Every record the service's relay published verified against its JWKS.
      expect(listener.stats()).toMatchObject({ foreignSource: 0, unsigned: 0, badSignature: 0, invalid: 0 });
    });
  });
});

describe('a service started without KAFKA_BROKERS (sqlite)', () => {
  let topic: RevocationTopic;
  const dataDir = tempDir('kafka-e2e-outage-');
  const services: TokenServiceUnderTest[] = [];
  beforeAll(async () => {
    topic = new RevocationTopic(testBrokers(), `${FILE_TOPIC}.no-brokers`);
    await topic.start();
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    await topic?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('revokes while no broker is configured, and publishes everything it missed once restarted with KAFKA_BROKERS', async () => {
    // Same DATA_DIR (event log and relay checkpoint) across the restart; no KAFKA_BROKERS the first time.
    const { KAFKA_BROKERS: _unset, ...withoutBrokers } = kafkaEnv(topic.topic);
    const first = await startTokenService({ adapter: 'sqlite', dataDir, env: withoutBrokers });
    services.push(first);
    const mgmt1 = await first.managementToken();
    const app = await createClient(first, { app_type: 'native' });
    const userId = uniqueId('auth0|user');
    const issue = (svc: TokenServiceUnderTest, deviceId: string) =>
      issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_id: deviceId, device_name: `Phone ${deviceId}` });
    const viaDeviceCredentials = await issue(first, 'one');
    const viaRfc7009 = await issue(first, 'two');
    const kept = await issue(first, 'three');
    expect((await first.http.delete(`/api/v2/device-credentials/${viaDeviceCredentials.id}`, { token: mgmt1 })).status).toBe(204);
    expect((await first.http.post('/oauth/revoke', { json: { client_id: app.client_id, token: viaRfc7009.refresh_token } })).status).toBe(200);
    // The revocations are in the log (the history shows them) but nothing can reach the topic.
    expect((await history(first, viaRfc7009.id)).events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
    expect(await topic.recordCount()).toBe(0);
    const firstManagementClient = first.managementClientId;
    await first.close();

    const second = await startTokenService({ adapter: 'sqlite', dataDir, env: kafkaEnv(topic.topic) });
    services.push(second);
    await topic.waitForSubjects([viaDeviceCredentials.id, viaRfc7009.id]);
    // A revocation made after the restart follows the missed ones, and nothing is published twice.
    const mgmt2 = await second.managementToken();
    expect((await second.http.delete(`/api/v2/refresh-tokens/${kept.id}`, { token: mgmt2 })).status).toBe(204);
    await topic.waitForSubjects([kept.id]);
    expect(await topic.recordCount()).toBe(3);
    // ce_source is the ISSUER of the service that published (the harness gives each start its own port).
    await expectRecord(second, topic, { token: viaDeviceCredentials, reason: 'device_credential_deleted', actor: firstManagementClient });
    await expectRecord(second, topic, { token: viaRfc7009, reason: 'rfc7009', actor: app.client_id });
    await expectRecord(second, topic, { token: kept, reason: 'refresh_token_deleted', actor: second.managementClientId });
    // Key = user id: all three share a partition, so the missed ones come first, in log order.
    const positions = topic.records().map((r) => r.value?.log_position as number);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});
