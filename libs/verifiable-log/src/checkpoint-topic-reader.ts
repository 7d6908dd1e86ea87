import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AUDIT_CHECKPOINTS_TOPIC } from './kafka-checkpoint-publisher';

/**
 * Reads every signed checkpoint of the topic, from its beginning, with a
 * group of its own (each reader sees them all). What it hands on is
 * untrusted until it verifies with the verifier key.
 */
export class CheckpointTopicReader {
  private consumer: Consumer | undefined;

  constructor(
    private readonly brokers: readonly string[],
    private readonly topic: string = AUDIT_CHECKPOINTS_TOPIC,
  ) {}

  async start(onNote: (note: string) => void): Promise<void> {
    const kafka = new Kafka({ clientId: 'verifiable-log-reader', brokers: [...this.brokers], logLevel: logLevel.ERROR });
    const consumer = kafka.consumer({ groupId: `audit-checkpoints-${randomUUID()}`, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) onNote(message.value.toString('utf8'));
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
