/**
 * Several relays on one EventStoreDB log (architecture.md invariant 9: one
 * publishes at a time), each a real apps/revocation-relay process with a
 * DATA_DIR of its own, against the real Kafka broker and the in-repo
 * EventStoreDB test double (a real server when EVENTSTORE_CONNECTION_STRING
 * is set). Broker records are counted by `ce_id`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbEventStore } from '@app/event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../tools/eventstoredb-double/eventstoredb-double';
import { TopicRecorder, testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential } from '../../../test/kafka/events';
import { RelayProcess } from '../../../test/kafka/relay-process';

jest.setTimeout(180_000);

const LEASE_MS = 2_000;
const HOLDS = 'revocation relay holds the lease';
const STANDS_BY = 'revocation relay standing by';

describe('several standalone relays on one EventStoreDB log', () => {
  const root = mkdtempSync(join(tmpdir(), 'relay-scale-'));
  const topic = uniqueTopic('scale-out');
  const relays: RelayProcess[] = [];
  let double: EventStoreDbDouble | undefined;
  let store: EventStoreDbEventStore;
  let recorder: TopicRecorder;
  /** ce_id → number of records on the topic. */
  const counts = (): Map<string, number> => {
    const seen = new Map<string, number>();
    for (const m of recorder.messages) {
      const id = String(m.headers?.ce_id);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    return seen;
  };
  const revokeMany = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = testCredential();
      await issue(store, c);
      ids.push((await revoke(store, c)).eventId);
    }
    return ids;
  };
  const startRelay = async (name: string, readyLine: string): Promise<RelayProcess> => {
    const dataDir = mkdtempSync(join(root, `${name}-`));
    const relay = new RelayProcess({
      DATA_DIR: dataDir,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_REVOCATIONS_TOPIC: topic,
      ISSUER: 'https://auth.example.test/',
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: connectionString,
      RELAY_LEASE_MS: String(LEASE_MS),
    });
    relays.push(relay);
    dataDirs.set(relay, dataDir);
    await relay.start(60_000, readyLine);
    return relay;
  };
  let connectionString: string;
  const dataDirs = new Map<RelayProcess, string>();
  /** The relay's status file, as the compose healthcheck reads it. */
  const statusOf = (relay: RelayProcess) => JSON.parse(readFileSync(join(dataDirs.get(relay)!, 'relay-status.json'), 'utf8')) as { state: string; lease?: { held: boolean } };
  /** docker-compose.yml's healthcheck of the relay, run against this relay's DATA_DIR. */
  const healthcheckPasses = (relay: RelayProcess): boolean => {
    const compose = readFileSync(join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8');
    const script = /"node", "-e", "(.+relay-status\.json.+)"\]/.exec(compose)![1].replace('/var/lib/revocation-relay', dataDirs.get(relay)!);
    try {
      execFileSync(process.execPath, ['-e', script]);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    if (process.env.EVENTSTORE_CONNECTION_STRING) connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
    else {
      double = await startEventStoreDbDouble();
      connectionString = double.connectionString;
    }
    store = new EventStoreDbEventStore({ connectionString });
  });
  afterAll(async () => {
    for (const relay of relays) await relay.kill9();
    await recorder?.stop();
    await store?.close();
    await double?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  let first: string[] = [];
  let a: RelayProcess;
  let b: RelayProcess;

  it('lets exactly one relay publish: the second stands by, and each revocation reaches the topic once', async () => {
    a = await startRelay('a', 'revocation relay subscribed');
    b = await startRelay('b', STANDS_BY);
    // The relay created the topic at start: the recorder may subscribe before any revocation.
    recorder = new TopicRecorder(testBrokers(), topic);
    await recorder.start();

    first = await revokeMany(20);
    await waitFor(() => first.every((id) => counts().has(id)), 30_000, () => `${counts().size} of 20 on the topic`);
    await new Promise((r) => setTimeout(r, 2 * LEASE_MS)); // renewals go on; nothing more may arrive

    expect(first.map((id) => counts().get(id))).toEqual(first.map(() => 1));
    expect(a.output).toContain(HOLDS);
    expect(b.output).not.toContain(HOLDS);
    // Both are healthy to the container runtime: one publishing, one standing by.
    await waitFor(() => statusOf(b).state === 'standing_by' && statusOf(a).lease?.held === true, 10_000, () => JSON.stringify([statusOf(a), statusOf(b)]));
    expect([healthcheckPasses(a), healthcheckPasses(b)]).toEqual([true, true]);
  });

  it('hands over to the stand-by within the lease bound when the publisher is killed -9, losing nothing', async () => {
    const during = revokeMany(20); // revocations keep coming across the hand-over
    during.catch(() => undefined); // awaited below; a failure before that must not outlive the test
    await new Promise((r) => setTimeout(r, 100));
    const killedAt = Date.now();
    await a.kill9();
    await waitFor(() => b.output.includes(HOLDS), 4 * LEASE_MS, () => `no take-over:\n${b.output}`);
    const tookOverMs = Date.now() - killedAt;
    const second = await during;

    await waitFor(() => second.every((id) => counts().has(id)), 30_000, () => `${second.filter((id) => counts().has(id)).length} of 20 after the hand-over`);
    // Lease bound: a stand-by waits one lease after it last saw a renewal, polling every quarter of one.
    expect(tookOverMs).toBeLessThan(LEASE_MS * 1.25 + 1_500);
    // Resumed from the killed relay's checkpoint on the log: what it had acknowledged is not sent again.
    expect(first.map((id) => counts().get(id))).toEqual(first.map(() => 1));
  });

  it('resumes a relay replaced with a fresh DATA_DIR from the checkpoint on the log, not from position 0', async () => {
    const publishedBefore = recorder.messages.length;
    await b.terminate(); // clean stop: saves its checkpoint and releases the lease
    const later = await revokeMany(5);
    const c = await startRelay('c', HOLDS);

    await waitFor(() => later.every((id) => counts().has(id)), 30_000, () => `${later.filter((id) => counts().has(id)).length} of 5 from the replacement`);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(recorder.messages.length - publishedBefore).toBe(5);
    expect(c.output).toMatch(/"after":[1-9]/); // subscribed after a saved position
  });
});
