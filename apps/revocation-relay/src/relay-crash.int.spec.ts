// kill -9 of the relay process mid-stream, then a restart: every revocation reaches Kafka
// (at least once) and the consumer SDK drops the duplicates. Real broker, real SQLite log,
// the real apps/revocation-relay entry point in a child process.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { RevocationListener } from '@refresh-token-service/revocation-events';
import { TopicRecorder, testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential, type TestCredential } from '../../../test/kafka/events';
import { RelayProcess } from '../../../test/kafka/relay-process';

jest.setTimeout(120_000);

describe('revocation-relay process', () => {
  let dir: string;
  let store: SqliteEventStore;
  let relay: RelayProcess;
  let listener: RevocationListener;
  let recorder: TopicRecorder;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-crash-'));
    // The same file the relay process opens (DATA_DIR/events.sqlite): this process plays token-service.
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
    const topic = uniqueTopic('crash');
    relay = new RelayProcess({ DATA_DIR: dir, KAFKA_BROKERS: testBrokers().join(','), KAFKA_REVOCATIONS_TOPIC: topic, ISSUER: 'https://auth.example.test/' });
    listener = new RevocationListener({ brokers: testBrokers(), groupId: `svc-${randomUUID()}`, topic });
    recorder = new TopicRecorder(testBrokers(), topic);
  });
  afterEach(async () => {
    await relay.terminate();
    await listener.stop();
    await recorder.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when killed with SIGKILL mid-stream and restarted', () => {
    it('delivers every revocation; the SDK removes the duplicates', async () => {
      const creds: TestCredential[] = Array.from({ length: 400 }, () => testCredential());
      for (const c of creds) await issue(store, c);
      await relay.start();
      await listener.start();
      await recorder.start();

      // Revoke in small bursts while the relay runs; kill it once part of them reached Kafka.
      let next = 0;
      const revokeBurst = async (n: number) => {
        for (const end = Math.min(next + n, creds.length); next < end; next++) await revoke(store, creds[next]);
      };
      while (recorder.messages.length < 100) {
        await revokeBurst(10);
        await new Promise((r) => setTimeout(r, 5));
      }
      await relay.kill9();
      const deliveredBeforeKill = recorder.messages.length;
      expect(deliveredBeforeKill).toBeLessThan(creds.length);
      await revokeBurst(creds.length); // the rest, while no relay runs

      await relay.start();
      // The SDK and the raw recorder are two consumer groups that catch up at their own pace: wait for both.
      const distinctRecorded = () => new Set(recorder.messages.map((m) => String(m.headers?.ce_id))).size;
      await waitFor(
        () => listener.stats().received === creds.length && distinctRecorded() === creds.length,
        60_000,
        () => `listener ${JSON.stringify(listener.stats())}, recorder ${distinctRecorded()} distinct of ${recorder.messages.length}`,
      );

      const ids = recorder.messages.map((m) => String(m.headers?.ce_id));
      expect(new Set(ids).size).toBe(creds.length); // none lost
      expect(creds.every((c) => listener.isRevoked(c.credentialId))).toBe(true);
      expect(listener.stats()).toMatchObject({ received: creds.length, invalid: 0 });
      expect(listener.stats().duplicates).toBe(ids.length - creds.length);
    });
  });
});
