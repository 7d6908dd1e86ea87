// Against the real Kafka broker of test/global-setup.js and a real SQLite event store: no kafkajs mocks.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { TopicRecorder, testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential } from '../../../test/kafka/events';
import { InMemoryCheckpointStore, type CheckpointStore } from './checkpoint-store';
import { RevocationListener } from '@refresh-token-service/revocation-events';
import { RevocationRelay, RELAY_CHECKPOINT_NAME } from './revocation-relay';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';

jest.setTimeout(90_000);

const ISSUER = 'https://auth.example.test/';

describe('RevocationRelay (real broker, real SQLite log)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let topic: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-int-'));
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
    topic = uniqueTopic('relay');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const startRelay = async (checkpoints: CheckpointStore = new InMemoryCheckpointStore(), brokers = testBrokers()) => {
    const relay = new RevocationRelay({ store, checkpoints, brokers, topic, issuer: ISSUER, backoff: { initialMs: 50, maxMs: 500 } });
    await relay.start();
    cleanups.push(() => relay.stop());
    return relay;
  };
  const startRecorder = async () => {
    const recorder = new TopicRecorder(testBrokers(), topic);
    await recorder.start();
    cleanups.push(() => recorder.stop());
    return recorder;
  };

  describe('when a token is revoked', () => {
    it('publishes exactly one CloudEvents record: key = user id, ce_* headers, the product.md value', async () => {
      const c = testCredential({ deviceName: 'Pixel 9' });
      await issue(store, c);
      const { eventId, position } = await revoke(store, c, { reason: 'rfc7009', revokedBy: 'client-a', at: new Date('2025-03-04T05:06:07.000Z') });
      const relay = await startRelay();
      await relay.waitForCheckpoint(position);
      const recorder = await startRecorder();
      await waitFor(() => recorder.messages.length >= 1, 20_000, () => 'no record on the topic');
      await new Promise((r) => setTimeout(r, 300)); // nothing else may follow

      expect(recorder.messages).toHaveLength(1);
      const [record] = recorder.messages;
      expect(record.key?.toString()).toBe(c.userId);
      const headers = Object.fromEntries(Object.entries(record.headers ?? {}).map(([k, v]) => [k, String(v)]));
      expect(headers).toEqual({
        ce_specversion: '1.0',
        ce_id: eventId,
        ce_source: ISSUER,
        ce_type: 'refresh_token.revoked',
        ce_time: '2025-03-04T05:06:07.000Z',
        ce_subject: c.credentialId,
        'content-type': 'application/json',
      });
      expect(JSON.parse(record.value!.toString())).toEqual({
        credential_id: c.credentialId,
        client_id: c.clientId,
        user_id: c.userId,
        device_id: c.deviceId,
        device_name: 'Pixel 9',
        reason: 'rfc7009',
        revoked_by: 'client-a',
        revoked_at: '2025-03-04T05:06:07.000Z',
        log_position: position,
      });
    });
  });

  describe('when tokens are only issued', () => {
    it('publishes nothing but still moves the checkpoint past them', async () => {
      const c = testCredential();
      const position = await issue(store, c);
      const relay = await startRelay();
      await relay.waitForCheckpoint(position);
      expect(relay.status()).toMatchObject({ checkpoint: position, published: 0 });
      expect(await relay.lag()).toBe(0);
    });
  });

  describe('when a whole client is revoked in bulk (client deletion, user bulk revoke)', () => {
    it('delivers every revocation once, in log order per user, each to a listener', async () => {
      const users = ['auth0|a', 'auth0|b', 'auth0|c'];
      const creds = Array.from({ length: 600 }, (_, i) => testCredential({ userId: users[i % 3], clientId: 'doomed-client' }));
      for (const c of creds) await issue(store, c);
      const relay = await startRelay();
      const listener = new RevocationListener({ brokers: testBrokers(), groupId: `g-${randomUUID()}`, topic });
      await listener.start();
      cleanups.push(() => listener.stop());
      const order: string[] = [];
      listener.onRevocation((e) => void order.push(e.subject));

      let last = 0;
      for (const c of creds) last = (await revoke(store, c, { reason: 'client_deleted', revokedBy: 'system' })).position;
      await relay.waitForCheckpoint(last);
      await waitFor(() => listener.stats().received === creds.length, 30_000, () => JSON.stringify(listener.stats()));

      expect(listener.stats()).toMatchObject({ received: 600, duplicates: 0, invalid: 0, revoked: 600 });
      expect(creds.every((c) => listener.isRevoked(c.credentialId))).toBe(true);
      expect(relay.status().published).toBe(600);
      // Key = user id: one partition per user, so each user's revocations arrive in log order.
      for (const user of users) {
        const expected = creds.filter((c) => c.userId === user).map((c) => c.credentialId);
        const got = order.filter((id) => expected.includes(id));
        expect(got).toEqual(expected);
      }
    });
  });

  describe('when the relay restarts from a saved checkpoint', () => {
    it('does not publish again what Kafka already acknowledged, and publishes what came after', async () => {
      const checkpoints = new SqliteCheckpointStore({ filename: join(dir, 'relay.sqlite') });
      cleanups.push(() => checkpoints.close());
      const first = testCredential();
      await issue(store, first);
      const r1 = await revoke(store, first);
      const relay1 = new RevocationRelay({ store, checkpoints, brokers: testBrokers(), topic, issuer: ISSUER });
      await relay1.start();
      await relay1.waitForCheckpoint(r1.position);
      await relay1.stop();
      expect(await checkpoints.load(RELAY_CHECKPOINT_NAME)).toBe(r1.position);

      const second = testCredential();
      await issue(store, second);
      const r2 = await revoke(store, second);
      const relay2 = await startRelay(checkpoints);
      await relay2.waitForCheckpoint(r2.position);
      expect(relay2.status().published).toBe(1);

      const recorder = await startRecorder();
      await waitFor(() => recorder.messages.length >= 2, 20_000, () => `${recorder.messages.length} records`);
      await new Promise((r) => setTimeout(r, 300));
      // Each once; the topic has several partitions (keyed by user), so no order across users.
      expect(recorder.messages.map((m) => String(m.headers?.ce_id)).sort()).toEqual([r1.eventId, r2.eventId].sort());
    });
  });

  describe('when KAFKA_BROKERS is unset', () => {
    it('holds its checkpoint and reports lag; a relay with a broker later publishes everything', async () => {
      const checkpoints = new InMemoryCheckpointStore();
      const waiting = new RevocationRelay({ store, checkpoints, topic, issuer: ISSUER });
      await waiting.start();
      const creds = [testCredential(), testCredential()];
      let last = 0;
      for (const c of creds) {
        await issue(store, c);
        last = (await revoke(store, c)).position;
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(waiting.status()).toMatchObject({ state: 'waiting_for_broker', checkpoint: undefined, published: 0 });
      expect(await waiting.lag()).toBe(last);
      await waiting.stop();

      const relay = await startRelay(checkpoints);
      await relay.waitForCheckpoint(last);
      expect(relay.status().published).toBe(2);
      expect(await relay.lag()).toBe(0);
    });
  });

  describe('lag', () => {
    it('counts log positions behind the head while revocations wait, and ignores other streams at the head', async () => {
      const checkpoints = new InMemoryCheckpointStore();
      const c = testCredential();
      await issue(store, c);
      const { position } = await revoke(store, c);
      const waiting = new RevocationRelay({ store, checkpoints, topic, issuer: ISSUER });
      expect(await waiting.lag()).toBe(position);

      await checkpoints.save(RELAY_CHECKPOINT_NAME, position);
      await store.appendToStream(
        'client-xyz',
        [{ id: randomUUID(), type: 'ClientRegistered', data: {}, metadata: { actor: 'test', occurredAt: new Date().toISOString() } }],
        { expectedRevision: 'no_stream' },
      );
      expect(await waiting.lag()).toBe(0);
    });
  });
});
