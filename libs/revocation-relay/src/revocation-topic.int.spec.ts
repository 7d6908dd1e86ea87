// The topic downstream services rely on, and what the relay logs about Kafka, against the real broker.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { SqliteEventStore } from '@app/event-store';
import type { Logger } from '@app/shared';
import { RevocationListener } from '@refresh-token-service/revocation-events';
import { testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential } from '../../../test/kafka/events';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { RevocationRelay } from './revocation-relay';
import { ensureRevocationTopic, MIN_TOPIC_RETENTION_MS, topicRetentionMs } from './revocation-topic';

jest.setTimeout(90_000);

/** Every line the relay logs, by level. */
class RecordingLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string; details: object }[] = [];
  info = (details: object, message: string): void => void this.lines.push({ level: 'info', message, details });
  warn = (details: object, message: string): void => void this.lines.push({ level: 'warn', message, details });
  error = (details: object, message: string): void => void this.lines.push({ level: 'error', message, details });
  count = (level: 'info' | 'warn' | 'error'): number => this.lines.filter((l) => l.level === level).length;
  has = (message: string): boolean => this.lines.some((l) => l.message.includes(message));
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the revocations topic and the relay logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-topic-'));
  const store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
  const admin = new Kafka({ clientId: 'test-admin', brokers: testBrokers(), logLevel: logLevel.NOTHING }).admin();
  const cleanups: (() => Promise<void>)[] = [];
  const startRelay = async (topic: string, logger: Logger, brokers = testBrokers(), retentionMs = MIN_TOPIC_RETENTION_MS + 1) => {
    const relay = new RevocationRelay({
      store,
      checkpoints: new InMemoryCheckpointStore(),
      brokers,
      topic,
      issuer: 'https://auth.example.test/',
      logger,
      topicSettings: { partitions: 3, retentionMs },
      backoff: { initialMs: 100, maxMs: 1_000 },
      kafka: { retry: { initialRetryTime: 100, retries: 2 } },
    });
    await relay.start();
    cleanups.push(() => relay.stop());
    return relay;
  };

  beforeAll(() => admin.connect());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await admin.disconnect();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a missing topic at start with the configured partitions and retention, and logs no error', async () => {
    const topic = uniqueTopic('created');
    const logger = new RecordingLogger();
    await startRelay(topic, logger);
    await waitFor(() => logger.has('revocation relay subscribed'), 30_000, () => JSON.stringify(logger.lines));

    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata.partitions).toHaveLength(3);
    expect(await topicRetentionMs(admin, topic)).toBe(MIN_TOPIC_RETENTION_MS + 1);
    expect(logger.count('error')).toBe(0);
  });

  it('lets a downstream listener started before the first revocation receive it', async () => {
    const topic = uniqueTopic('early-listener');
    const logger = new RecordingLogger();
    await startRelay(topic, logger);
    await waitFor(() => logger.has('created the revocations topic'), 30_000, () => JSON.stringify(logger.lines));
    const listener = new RevocationListener({ brokers: testBrokers(), groupId: `svc-${randomUUID()}`, topic });
    await listener.start();
    cleanups.push(() => listener.stop());

    const c = testCredential();
    await issue(store, c);
    await revoke(store, c);

    await waitFor(() => listener.isRevoked(c.credentialId), 30_000, () => JSON.stringify(listener.stats()));
    expect(listener.stats().received).toBe(1);
    expect(logger.count('error')).toBe(0);
  });

  it('leaves an existing topic with a shorter retention as it is, with a warning saying how to raise it', async () => {
    const topic = uniqueTopic('short-retention');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
    const logger = new RecordingLogger();
    await startRelay(topic, logger);
    await waitFor(() => logger.has('revocation relay subscribed'), 30_000, () => JSON.stringify(logger.lines));

    expect(logger.lines.filter((l) => l.level === 'warn' && l.message.includes('retention.ms='))).toHaveLength(1);
    expect(await topicRetentionMs(admin, topic)).toBe(86_400_000);
  });

  it('refuses an existing compacted topic (compaction by user id would drop revocations): an error saying so, nothing published', async () => {
    const topic = uniqueTopic('compacted');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    await expect(ensureRevocationTopic(admin, topic, { partitions: 1, retentionMs: MIN_TOPIC_RETENTION_MS }, new RecordingLogger())).rejects.toMatchObject({
      code: 'TOPIC_COMPACTED',
      message: expect.stringContaining('cleanup.policy=compact'),
    });

    const logger = new RecordingLogger();
    const relay = await startRelay(topic, logger);
    const c = testCredential();
    await issue(store, c);
    await revoke(store, c);
    await waitFor(() => logger.has('compaction would drop'), 30_000, () => JSON.stringify(logger.lines));
    expect(logger.lines.find((l) => l.message.includes('compaction would drop'))?.level).toBe('error');
    expect(logger.has('Kafka is unreachable')).toBe(false);
    expect(relay.status().published).toBe(0);
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.map((o) => o.high)).toEqual(['0']);
  });

  it('logs an outage as one error, not a line per failed attempt, and no stack trace', async () => {
    const logger = new RecordingLogger();
    const relay = await startRelay(uniqueTopic('outage-logs'), logger, [`127.0.0.1:${await closedPort()}`]);
    await new Promise((r) => setTimeout(r, 4_000));

    // Several attempts were made (each a warn with its backoff), yet one error line only.
    expect(logger.lines.filter((l) => l.level === 'warn' && l.message.includes('restarting from its checkpoint')).length).toBeGreaterThan(1);
    expect(relay.status().published).toBe(0);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['Kafka is unreachable: revocations wait in the log; reconnecting with backoff']);
    // kafkajs tried more than once meanwhile: its attempts are at info, without their stacks.
    expect(logger.lines.filter((l) => l.message.startsWith('kafkajs:')).length).toBeGreaterThan(1);
    expect(JSON.stringify(logger.lines)).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
  });

  it('refuses a retention shorter than the longest id_token lifetime', () => {
    expect(() => new RevocationRelay({ store, checkpoints: new InMemoryCheckpointStore(), issuer: 'x', topicSettings: { partitions: 1, retentionMs: MIN_TOPIC_RETENTION_MS - 1 } })).toThrow(
      expect.objectContaining({ code: 'TOPIC_RETENTION_TOO_SHORT' }),
    );
  });
});
