/**
 * Test helpers around the real Kafka broker: the shared one that
 * test/global-setup.js started (KAFKA_BROKERS), and extra brokers a test owns
 * (to stop and restart without disturbing the shared one).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', 'tools', 'kafka', 'kafka.mjs');

/** The shared test broker. The int tier never runs without one (global-setup fails the run instead). */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run through Jest (test/global-setup.js starts the broker)');
  return brokers.split(',').map((b) => b.trim());
}

/** A topic no other test uses. */
export const uniqueTopic = (label: string): string => `test.${label}.${randomUUID().slice(0, 8)}`;

/** A broker of the test's own, on its own ports and data directory. */
export class OwnBroker {
  readonly brokers: string[];
  constructor(
    readonly port: number,
    readonly runtimeDir: string,
  ) {
    this.brokers = [`127.0.0.1:${port}`];
  }
  private env(): NodeJS.ProcessEnv {
    return { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.port + 1), KAFKA_RUNTIME_DIR: this.runtimeDir };
  }
  /** Starts (or finds running) and resolves once it answers Kafka requests. */
  async start(): Promise<void> {
    await run(process.execPath, [script, 'start'], { env: this.env(), timeout: 180_000 });
  }
  async stop(): Promise<void> {
    await run(process.execPath, [script, 'stop'], { env: this.env(), timeout: 60_000 });
  }
}

/** A raw kafkajs consumer that records every message of a topic, to assert the exact bytes on the wire. */
export class TopicRecorder {
  readonly messages: KafkaMessage[] = [];
  private readonly kafka: Kafka;
  private consumer: ReturnType<Kafka['consumer']> | undefined;
  constructor(
    brokers: string[],
    private readonly topic: string,
  ) {
    this.kafka = new Kafka({ clientId: 'test-recorder', brokers, logLevel: logLevel.NOTHING });
  }
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `recorder-${randomUUID()}` });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void this.messages.push(message) });
    await joined;
  }
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
