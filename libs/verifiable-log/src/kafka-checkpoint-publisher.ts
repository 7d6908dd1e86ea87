import { Kafka, type Producer } from 'kafkajs';

/** The topic another team reads checkpoints from (one message per signed checkpoint, key = origin). */
export const AUDIT_CHECKPOINTS_TOPIC = 'refresh-token.audit-checkpoints';

/**
 * Publishes each signed checkpoint to Kafka. Best effort by design: the
 * checkpoint is already signed, filed and served; a monitor that misses one
 * checks the next by a consistency proof from the last it holds.
 */
export class KafkaCheckpointPublisher {
  private producer: Producer | undefined;

  constructor(
    private readonly brokers: readonly string[],
    private readonly origin: string,
    private readonly topic: string = AUDIT_CHECKPOINTS_TOPIC,
  ) {}

  async publish(note: string): Promise<void> {
    if (!this.producer) {
      const producer = new Kafka({ clientId: 'verifiable-log', brokers: [...this.brokers], retry: { retries: 2 } }).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key: this.origin, value: note, headers: { 'content-type': 'text/plain; charset=utf-8' } }] });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
