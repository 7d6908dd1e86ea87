/**
 * Watches a revocations topic on the real test broker for the Kafka
 * end-to-end suites: every record as it is on the wire (decoded, not run
 * through the SDK's parser, so a contract break shows as a failed
 * expectation instead of a skipped record), and the exact number of records
 * the topic holds (sum of high - low watermarks over its partitions).
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TopicRecorder, waitFor } from '../kafka/broker';

/** One record of the topic, decoded to text. */
export interface WireRecord {
  offset: string;
  key: string | null;
  /** Header name → value (a repeated header keeps every value, joined by `,`, so a duplicate shows). */
  headers: Record<string, string>;
  /** The value parsed as JSON (undefined when it is not JSON). */
  value: Record<string, unknown> | undefined;
}

/** Partitions the test topic is created with (as the broker's default), so ordering across keys is not assumed. */
const PARTITIONS = 3;

const text = (v: Buffer | string | null | undefined): string | null => (v === null || v === undefined ? null : v.toString());

export class RevocationTopic {
  private readonly kafka: Kafka;
  private readonly recorder: TopicRecorder;
  private admin: Admin | undefined;

  constructor(
    readonly brokers: string[],
    readonly topic: string,
  ) {
    this.kafka = new Kafka({ clientId: 'kafka-e2e-watch', brokers, logLevel: logLevel.NOTHING });
    this.recorder = new TopicRecorder(brokers, topic);
  }

  /** Creates the topic (so the recorder can subscribe before the relay's first send) and starts recording from its beginning. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    await this.recorder.start();
  }

  async stop(): Promise<void> {
    await this.recorder.stop();
    await this.admin?.disconnect();
  }

  /** Every record the recorder has seen so far, in arrival order. */
  records(): WireRecord[] {
    return this.recorder.messages.map((m) => {
      const headers: Record<string, string> = {};
      for (const [name, raw] of Object.entries(m.headers ?? {})) {
        const values = Array.isArray(raw) ? raw : [raw];
        headers[name] = values.map((v) => text(v) ?? '').join(',');
      }
      const rawValue = text(m.value);
      let value: Record<string, unknown> | undefined;
      try {
        value = rawValue === null ? undefined : (JSON.parse(rawValue) as Record<string, unknown>);
      } catch {
        value = undefined;
      }
      return { offset: m.offset, key: text(m.key), headers, value };
    });
  }

  /** The records whose `ce_subject` is this credential id. */
  recordsOf(credentialId: string): WireRecord[] {
    return this.records().filter((r) => r.headers.ce_subject === credentialId);
  }

  /** How many records the topic holds right now, on every partition (the broker's count, not the recorder's). */
  async recordCount(): Promise<number> {
    if (!this.admin) throw new Error('RevocationTopic not started');
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    return offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0);
  }

  /** Resolves once the recorder has seen at least one record for each of these credential ids. */
  async waitForSubjects(credentialIds: readonly string[], timeoutMs = 20_000): Promise<void> {
    await waitFor(
      () => {
        const seen = new Set(this.records().map((r) => r.headers.ce_subject));
        return credentialIds.every((id) => seen.has(id));
      },
      timeoutMs,
      () => {
        const seen = new Set(this.records().map((r) => r.headers.ce_subject));
        return `no record on ${this.topic} for ${credentialIds.filter((id) => !seen.has(id)).join(', ')} (${this.records().length} records seen)`;
      },
    );
  }
}
