import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AUDIT_CHECKPOINTS_TOPIC } from './kafka-checkpoint-publisher';

/** Where a note was read: a monitor keeps going from there. */
export interface TopicPosition {
  partition: number;
  offset: string;
}

/**
 * Reads the signed checkpoints of the topic. Without a group id, every one
 * from the beginning with a group of its own (each reader sees them all);
 * with one (a monitor's, kept in its state), from where that group left
 * off. What it hands on is untrusted until it verifies with the verifier key.
 */
export class CheckpointTopicReader {
  private consumer: Consumer | undefined;
  private readonly kafka: Kafka;

  constructor(
    brokers: readonly string[],
    private readonly topic: string = AUDIT_CHECKPOINTS_TOPIC,
    private readonly groupId: string = `audit-checkpoints-${randomUUID()}`,
  ) {
    this.kafka = new Kafka({ clientId: 'verifiable-log-reader', brokers: [...brokers], logLevel: logLevel.ERROR });
  }

  /** Per partition, the offset after the last message now on the topic, and where this group will start. */
  async backlog(): Promise<{ partition: number; end: number; next: number }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.topic);
      const [committed] = await admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
      return ends.map(({ partition, high, low }) => {
        const done = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
        return { partition, end: Number(high), next: done >= 0 ? done : Number(low) };
      });
    } finally {
      await admin.disconnect();
    }
  }

  async start(onNote: (note: string, at: TopicPosition) => void | Promise<void>): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        if (message.value) await onNote(message.value.toString('utf8'), { partition, offset: message.offset });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
