/**
 * The revocation relay: a checkpointed catch-up subscription over the event
 * log that publishes every `RefreshTokenRevoked` to Kafka (product.md F10).
 *
 * Why a subscription and not the command handler: a dual write (append, then
 * send) loses the message when the process dies in between (style.md §11).
 * Here the log is the outbox: the relay sends, waits for Kafka's ack
 * (`acks: -1`, all in-sync replicas), and only then saves its checkpoint
 * (architecture.md invariant 7). A crash or a broker outage replays from the
 * checkpoint: every revocation is delivered at least once, duplicates carry
 * the same `ce_id` and consumers drop them.
 *
 * Events stream in one at a time; they are buffered and sent in batches
 * (up to `batchSize`, flushed as soon as the subscription yields to the event
 * loop), so a bulk revocation of a client's 10 000 tokens costs a few produce
 * requests, while a single revocation is sent at once.
 */
import { Kafka, Partitioners, logLevel, type KafkaConfig, type LogEntry, type Producer } from 'kafkajs';
import type { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import { REFRESH_TOKEN_STREAM_PREFIX } from '@app/refresh-tokens';
import type { CheckpointStore } from './checkpoint-store';
import { toKafkaMessage, type RevocationKafkaMessage } from './message';
import { DEFAULT_REVOCATIONS_TOPIC } from './topic';

/** Name of the relay's checkpoint. */
export const RELAY_CHECKPOINT_NAME = 'revocation-relay';

/** A pino-compatible logger (pino's `(obj, msg)` signature). */
export interface RelayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silentLogger: RelayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface RevocationRelayOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Kafka bootstrap brokers. Empty or undefined: the relay holds its checkpoint and publishes nothing until started with brokers. */
  brokers?: readonly string[];
  /** Further kafkajs client settings (ssl, sasl, clientId, retry). */
  kafka?: Omit<KafkaConfig, 'brokers'>;
  /** Builds the producer; default: an idempotent kafkajs producer on `brokers`. Called once per (re)connection. */
  producerFactory?: () => Producer;
  /** Default `refresh-token.revocations`. */
  topic?: string;
  /** `ce_source` of every message: the service's `ISSUER`. */
  issuer: string;
  logger?: RelayLogger;
  /** Default `revocation-relay`. */
  checkpointName?: string;
  /** Most messages per produce call. Default 500. */
  batchSize?: number;
  /** Reconnect backoff after a broker or store error: doubles from `initialMs` to `maxMs`. Default 250 ms to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export type RelayState = 'stopped' | 'waiting_for_broker' | 'connecting' | 'running' | 'backing_off';

export interface RelayStatus {
  state: RelayState;
  /** Last position whose revocations Kafka acknowledged (and saved), if any. */
  checkpoint: number | undefined;
  /** Messages acknowledged by Kafka since start. */
  published: number;
  /** The last error, until the next successful send. */
  lastError?: string;
}

/** A pending batch: messages to send and the log position they (and any skipped events) reach. */
interface Batch {
  messages: RevocationKafkaMessage[];
  position: number | undefined;
}

/**
 * One connection's worth of relaying: a producer, a subscription from the
 * checkpoint, a buffer. Any failure ends the session; the relay starts a new
 * one from the saved checkpoint after a backoff. Nothing of a failed session
 * is reused (a kafkajs idempotent producer whose send failed may hold stale
 * sequence numbers).
 */
class RelaySession {
  private subscription: Subscription | undefined;
  private batch: Batch = { messages: [], position: undefined };
  private flushTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private resolveEnded!: (error: Error | undefined) => void;
  /** Resolves with the error that ended the session (undefined when closed on purpose). */
  readonly ended = new Promise<Error | undefined>((resolve) => (this.resolveEnded = resolve));

  constructor(
    private readonly relay: RevocationRelay,
    private readonly producer: Producer,
    private readonly settings: { topic: string; issuer: string; batchSize: number },
  ) {}

  start(after: number | undefined): void {
    this.subscription = this.relay.store.subscribeToAll({
      after,
      streamPrefixes: [REFRESH_TOKEN_STREAM_PREFIX],
      onEvent: (event) => this.onEvent(event),
      onCaughtUp: () => this.scheduleFlush(),
      onError: (error) => this.fail(error),
    });
  }

  private async onEvent(event: RecordedEvent): Promise<void> {
    if (this.failure) throw this.failure;
    if (event.type === 'RefreshTokenRevoked') this.batch.messages.push(toKafkaMessage(event, this.settings.issuer));
    // Other events of the stream (issuance) only move the checkpoint, and only with the batch they belong to.
    this.batch.position = event.position;
    if (this.batch.messages.length >= this.settings.batchSize) await this.flush();
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.failure) return;
    // A macrotask: runs once the subscription yields to the event loop (end of a page, or live), so a catch-up batches.
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush().catch(() => undefined); // the failure is already reported through fail()
    }, 0);
  }

  /** Sends the pending batch, waits for the ack, then saves the checkpoint. Flushes run one after another, in order. */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.failure) throw this.failure;
      const { messages, position } = this.batch;
      this.batch = { messages: [], position: undefined };
      if (position === undefined) return;
      try {
        if (messages.length > 0) await this.producer.send({ topic: this.settings.topic, acks: -1, messages });
        await this.relay.checkpoints.save(this.relay.checkpointName, position);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        throw this.failure;
      }
      this.relay.acknowledged(position, messages.length);
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.resolveEnded(error);
  }

  /** Stops the subscription; with `drain`, sends what is buffered first (best effort). Then disconnects. */
  close(drain: boolean): Promise<void> {
    this.closing ??= this.doClose(drain);
    return this.closing;
  }

  private async doClose(drain: boolean): Promise<void> {
    if (!this.failure) this.resolveEnded(undefined);
    await this.subscription?.stop();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (drain && !this.failure) await this.flush().catch(() => undefined);
    await this.chain.catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

/**
 * Publishes every `RefreshTokenRevoked` of the log to Kafka, at least once,
 * in log order, advancing its checkpoint only after Kafka's ack.
 *
 * Framework-free: token-service wires it into Nest in embedded mode,
 * `apps/revocation-relay` runs it alone.
 */
export class RevocationRelay {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly checkpointName: string;
  readonly topic: string;
  private readonly logger: RelayLogger;
  private readonly brokers: readonly string[];
  private readonly producerFactory: (() => Producer) | undefined;
  private readonly backoff: { initialMs: number; maxMs: number };
  private state: RelayState = 'stopped';
  private checkpoint: number | undefined;
  private published = 0;
  private lastError: string | undefined;
  private currentBackoffMs: number;
  private session: RelaySession | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private readonly checkpointWaiters = new Set<{ position: number; resolve: () => void }>();

  constructor(private readonly options: RevocationRelayOptions) {
    this.store = options.store;
    this.checkpoints = options.checkpoints;
    this.checkpointName = options.checkpointName ?? RELAY_CHECKPOINT_NAME;
    this.topic = options.topic ?? DEFAULT_REVOCATIONS_TOPIC;
    this.logger = options.logger ?? silentLogger;
    this.brokers = options.brokers ?? [];
    this.producerFactory = options.producerFactory;
    this.backoff = { initialMs: options.backoff?.initialMs ?? 250, maxMs: options.backoff?.maxMs ?? 30_000 };
    this.currentBackoffMs = this.backoff.initialMs;
  }

  /**
   * Starts relaying in the background and resolves at once (a broker that is
   * down must not block the service's start). Without brokers it only loads
   * the checkpoint: revocations wait in the log.
   */
  async start(): Promise<void> {
    if (this.loop || this.state === 'waiting_for_broker') return;
    this.stopping = false;
    this.checkpoint = await this.checkpoints.load(this.checkpointName);
    if (this.brokers.length === 0 && !this.producerFactory) {
      this.state = 'waiting_for_broker';
      this.logger.warn(
        { checkpoint: this.checkpoint ?? null },
        'KAFKA_BROKERS is not set: revocations are kept in the log and published once a broker is configured',
      );
      return;
    }
    this.loop = this.run();
  }

  /** Stops: finishes the send in flight, flushes the buffer (best effort), disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.session?.close(true);
    await this.loop;
    this.loop = undefined;
    this.state = 'stopped';
  }

  /**
   * How far the relay is behind the log, in log positions: head position
   * minus checkpoint, and 0 when no refresh-token event is waiting (so events
   * of other streams at the head do not show as lag).
   */
  async lag(): Promise<number> {
    const checkpoint = this.checkpoint ?? (await this.checkpoints.load(this.checkpointName)) ?? 0;
    const head = await this.store.headPosition();
    if (head <= checkpoint) return 0;
    for await (const _event of this.store.readAll({ after: checkpoint, streamPrefixes: [REFRESH_TOKEN_STREAM_PREFIX], maxCount: 1 })) {
      return head - checkpoint;
    }
    return 0;
  }

  status(): RelayStatus {
    return {
      state: this.state,
      checkpoint: this.checkpoint,
      published: this.published,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Resolves once the checkpoint reached `position` (every revocation up to it acknowledged by Kafka). */
  waitForCheckpoint(position: number, timeoutMs = 30_000): Promise<void> {
    if ((this.checkpoint ?? 0) >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.checkpointWaiters.delete(waiter);
        reject(new Error(`relay checkpoint ${this.checkpoint ?? 'none'} did not reach ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.checkpointWaiters.add(waiter);
    });
  }

  /** @internal Called by a session after Kafka acknowledged a batch and its checkpoint was saved. */
  acknowledged(position: number, messages: number): void {
    this.checkpoint = position;
    this.published += messages;
    this.lastError = undefined;
    this.currentBackoffMs = this.backoff.initialMs;
    if (this.state === 'connecting') this.state = 'running';
    for (const waiter of this.checkpointWaiters) {
      if (position >= waiter.position) {
        this.checkpointWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.state = 'connecting';
      const producer = this.createProducer();
      const session = new RelaySession(this, producer, {
        topic: this.topic,
        issuer: this.options.issuer,
        batchSize: this.options.batchSize ?? 500,
      });
      this.session = session;
      let error: Error | undefined;
      try {
        await producer.connect();
        if (this.stopping) break;
        // Always from the saved checkpoint: whatever a failed session buffered or sent unacknowledged is replayed.
        const after = await this.checkpoints.load(this.checkpointName);
        this.checkpoint = after;
        this.state = 'running';
        this.logger.info({ after: after ?? null, topic: this.topic }, 'revocation relay subscribed');
        session.start(after);
        error = await session.ended;
      } catch (e) {
        error = e instanceof Error ? e : new Error(String(e));
      }
      if (this.stopping) break;
      await session.close(false);
      this.session = undefined;
      this.lastError = error?.message;
      this.state = 'backing_off';
      this.logger.warn({ err: error, retryInMs: this.currentBackoffMs }, 'revocation relay interrupted; resuming from its checkpoint');
      await this.sleep(this.currentBackoffMs);
      this.currentBackoffMs = Math.min(this.currentBackoffMs * 2, this.backoff.maxMs);
    }
    await this.session?.close(true);
    this.session = undefined;
  }

  private createProducer(): Producer {
    if (this.producerFactory) return this.producerFactory();
    const kafka = new Kafka({
      clientId: 'revocation-relay',
      // Bounded retries (kafkajs warns this "may invalidate EoS"): a send that gives up ends the session and
      // the relay replays from its checkpoint with a fresh producer; duplicates are de-duplicated by ce_id.
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 5 },
      logCreator: kafkaLogCreator(this.logger),
      ...this.options.kafka,
      brokers: [...this.brokers],
    });
    // Idempotent: a retried produce request is written once per partition (sequence numbers);
    // one request in flight keeps order; acks -1 on every send.
    // The default (murmur2) partitioner is the Java client's: key = user id lands where any Kafka client would put it.
    return kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}

/** Routes kafkajs's own warnings and errors to our logger (it logs to the console by default). */
export function kafkaLogCreator(logger: RelayLogger): KafkaConfig['logCreator'] {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) logger.error({ kafkajs: extra }, message);
      else if (level === logLevel.WARN) logger.warn({ kafkajs: extra }, message);
    };
}
