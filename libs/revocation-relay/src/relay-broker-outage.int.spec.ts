// A Kafka outage delays revocations, never loses them (architecture.md invariant 8).
// The test owns a second real broker (own ports, own data dir) so stopping it does not
// disturb the shared one of test/global-setup.js.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { OwnBroker, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential } from '../../../test/kafka/events';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import { RevocationListener } from '@refresh-token-service/revocation-events';
import { RevocationRelay } from './revocation-relay';
import type { Logger } from '@app/shared';

jest.setTimeout(240_000);

describe('RevocationRelay across a broker outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-outage-'));
  const broker = new OwnBroker(19092 + Math.floor(Math.random() * 400) * 2, join(dir, 'broker'));
  let store: SqliteEventStore;
  let checkpoints: SqliteCheckpointStore;
  let relay: RevocationRelay;
  let listener: RevocationListener | undefined;

  beforeAll(async () => {
    await broker.start();
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
    checkpoints = new SqliteCheckpointStore({ filename: join(dir, 'relay.sqlite') });
  });
  afterAll(async () => {
    await relay?.stop();
    await listener?.stop();
    await checkpoints?.close();
    await store?.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when the broker is stopped, tokens are revoked, and the broker comes back', () => {
    it('delivers every revocation made during the outage, logging the outage as state changes (one error when down, one info when back)', async () => {
      const topic = uniqueTopic('outage');
      const lines: { level: string; message: string }[] = [];
      const logger: Logger = {
        info: (_d, message) => void lines.push({ level: 'info', message }),
        warn: (_d, message) => void lines.push({ level: 'warn', message }),
        error: (_d, message) => void lines.push({ level: 'error', message }),
      };
      relay = new RevocationRelay({ store, checkpoints, brokers: broker.brokers, topic, issuer: 'https://auth.example.test/', logger, backoff: { initialMs: 100, maxMs: 1000 } });
      await relay.start();
      const before = testCredential();
      await issue(store, before);
      await relay.waitForCheckpoint((await revoke(store, before)).position);

      await broker.stop();
      const during = Array.from({ length: 50 }, () => testCredential());
      let last = 0;
      for (const c of during) {
        await issue(store, c);
        last = (await revoke(store, c)).position;
      }
      await new Promise((r) => setTimeout(r, 2000)); // let the relay hit the dead broker and back off
      expect(relay.status().checkpoint).toBeLessThan(last);
      expect(await relay.lag()).toBeGreaterThan(0);

      await broker.start();
      await relay.waitForCheckpoint(last, 120_000);
      expect(await relay.lag()).toBe(0);

      listener = new RevocationListener({ brokers: broker.brokers, groupId: `svc-${randomUUID()}`, topic });
      await listener.start();
      await waitFor(() => listener!.stats().received === 51, 30_000, () => JSON.stringify(listener!.stats()));
      expect([before, ...during].every((c) => listener!.isRevoked(c.credentialId))).toBe(true);
      expect(lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['Kafka is unreachable: revocations wait in the log; reconnecting with backoff']);
      expect(lines.filter((l) => l.message.startsWith('Kafka is reachable again'))).toHaveLength(1);
    });
  });
});
