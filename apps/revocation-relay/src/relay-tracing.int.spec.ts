// The standalone relay with OpenTelemetry traces on: each Kafka send is a producer span of
// `refresh-token-relay`, exported to a real OTLP/HTTP receiver. Real broker, real SQLite log,
// the real apps/revocation-relay entry point in a child process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { generateSigningKey } from '@app/signing';
import { testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential } from '../../../test/kafka/events';
import { RelayProcess } from '../../../test/kafka/relay-process';
import { OtlpReceiver } from '../../../test/support/otlp-receiver';

jest.setTimeout(120_000);

describe('revocation-relay process with traces on', () => {
  let dir: string;
  let store: SqliteEventStore;
  let relay: RelayProcess;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-tracing-'));
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
    receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await relay?.terminate();
    await store.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a producer span per send, named after the topic, as refresh-token-relay', async () => {
    const topic = uniqueTopic('relay-tracing');
    const credential = testCredential();
    await issue(store, credential);
    await revoke(store, credential);
    const signingKeys = JSON.stringify({ keys: [await generateSigningKey('RS256', { createdAt: new Date() })] });
    relay = new RelayProcess({
      DATA_DIR: dir,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_REVOCATIONS_TOPIC: topic,
      ISSUER: 'https://auth.example.test/',
      SIGNING_KEYS: signingKeys,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    await relay.start(60_000);

    const sends = () => receiver.spans().filter((s) => s.name === `send ${topic}`);
    await waitFor(() => sends().length > 0, 30_000, () => `spans: ${JSON.stringify(receiver.spans().map((s) => s.name))}\n${relay.output}`);
    expect(sends()[0]).toMatchObject({
      serviceName: 'refresh-token-relay',
      kind: 4,
      parentSpanId: '',
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topic, 'messaging.batch.message_count': 1 },
    });
    // The relay serves no HTTP: no server span, and the exporter's own requests are never traced.
    expect(receiver.spans().filter((s) => s.kind !== 4)).toEqual([]);
  });
});
