/**
 * The revocation relay: publishes every `RefreshTokenRevoked` of the log to
 * Kafka (product.md F10), as a handler of the shared checkpointed consumer.
 *
 * Why a subscription and not the command handler: a dual write (append, then
 * send) loses the message when the process dies in between (style.md §11).
 * Here the log is the outbox: the relay sends, waits for Kafka's ack
 * (`acks: -1`, all in-sync replicas), and only then saves its checkpoint
 * (architecture.md invariant 7). A crash or a broker outage replays from the
 * checkpoint: every revocation is delivered at least once, duplicates carry
 * the same `ce_id` and consumers drop them.
 *
 * The consumer hands events over in batches (up to `batchSize`, flushed as
 * soon as the subscription yields), so a bulk revocation of a client's 10 000
 * tokens costs a few produce requests, while a single revocation is sent at once.
 */
import { Kafka, Partitioners, type KafkaConfig, type Producer } from 'kafkajs';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { CheckpointedConsumer, lagBehind, type CheckpointedHandler, type ConsumerState, type EventStore, type RecordedEvent } from '@app/event-store';
import { REFRESH_TOKEN_STREAM_PREFIX } from '@app/refresh-tokens';
import { silentLogger, type Logger } from '@app/shared';
import { withSpan } from '@app/tracing';
import { DEFAULT_REVOCATIONS_TOPIC, type RevocationKafkaMessage } from '@refresh-token-service/revocation-events';
import type { CheckpointStore } from './checkpoint-store';
import { relayKafkaLogCreator } from './kafka-log';
import { RelayLeaseLostError, type RelayLease } from './lease/relay-lease';
import { checkTopicSettings, DEFAULT_TOPIC_SETTINGS, ensureRevocationTopic, type RevocationTopicSettings, TopicCompactedError } from './revocation-topic';
import { toKafkaMessage, toSignedKafkaMessage, type RevocationSigner } from './to-kafka-message';

/** Name of the relay's checkpoint. */
export const RELAY_CHECKPOINT_NAME = 'revocation-relay';

const STREAM_PREFIXES = [REFRESH_TOKEN_STREAM_PREFIX] as const;

export interface RevocationRelayOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Kafka bootstrap brokers. Empty or undefined: the relay holds its checkpoint and publishes nothing until started with brokers. */
  brokers?: readonly string[];
  /** Further kafkajs client settings (ssl, sasl, clientId, retry). */
  kafka?: Omit<KafkaConfig, 'brokers'>;
  /** Builds the producer; default: an idempotent kafkajs producer on `brokers`. Called once per (re)connection. */
  producerFactory?: () => Producer;
  /**
   * Who may publish: with one, the relay publishes only while it holds the
   * lease and stands by otherwise (several relays on one log). Without, it
   * publishes alone (SQLite: the DATA_DIR lock keeps it alone).
   */
  lease?: RelayLease;
  /** How the topic is created when missing (partitions, replication, retention). Default DEFAULT_TOPIC_SETTINGS. */
  topicSettings?: RevocationTopicSettings;
  /** Default `refresh-token.revocations`. */
  topic?: string;
  /** `ce_source` of every message: the service's `ISSUER`. */
  issuer: string;
  /**
   * Signs each message (`ce_signature`) with a key of the service's JWKS
   * (`keyStoreSigner`). wireRevocationRelay always passes one; without,
   * messages go unsigned and SDK listeners given a `jwksUri` ignore them.
   */
  signer?: RevocationSigner;
  logger?: Logger;
  /** Default `revocation-relay`. */
  checkpointName?: string;
  /** Most events per produce call. Default 500. */
  batchSize?: number;
  /** Reconnect backoff after a broker or store error: doubles from `initialMs` to `maxMs`. Default 250 ms to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** The consumer's states, plus `waiting_for_broker` (no KAFKA_BROKERS: revocations wait in the log). */
export type RelayState = ConsumerState | 'waiting_for_broker' | 'standing_by';

export interface RelayStatus {
  state: RelayState;
  /** Last position whose revocations Kafka acknowledged (and saved), if any. */
  checkpoint: number | undefined;
  /** Messages acknowledged by Kafka since start. */
  published: number;
  /** The last error, until the next successful send. */
  lastError?: string;
  /** With a lease: whether this relay holds it (publishes) or stands by. */
  lease?: { holder: string; held: boolean };
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
  private readonly logger: Logger;
  private readonly brokers: readonly string[];
  private consumer: CheckpointedConsumer | undefined;
  private waitingForBroker = false;
  /** One producer per run of the consumer: nothing of a failed run is reused (an idempotent producer whose send failed may hold stale sequence numbers). */
  private producer: Producer | undefined;
  private checkpoint: number | undefined;
  private published = 0;
  /** Consumer failures seen at the last acknowledged send: more since then means `lastError` is current. */
  private failuresAtLastAck = 0;
  private readonly topicSettings: RevocationTopicSettings;
  /** Created (or found) once per process. */
  private topicReady = false;
  /** Set at the first failed Kafka call of an outage, cleared by the next success: one error line per outage. */
  private kafkaDown = false;
  private leaseLoop: Promise<void> | undefined;
  private stopping = false;
  private wakeLeaseLoop: (() => void) | undefined;

  constructor(private readonly options: RevocationRelayOptions) {
    this.store = options.store;
    this.checkpoints = options.checkpoints;
    this.checkpointName = options.checkpointName ?? RELAY_CHECKPOINT_NAME;
    this.topic = options.topic ?? DEFAULT_REVOCATIONS_TOPIC;
    this.logger = options.logger ?? silentLogger;
    this.brokers = options.brokers ?? [];
    this.topicSettings = checkTopicSettings(options.topicSettings ?? DEFAULT_TOPIC_SETTINGS);
  }

  /**
   * Starts relaying in the background and resolves at once (a broker that is
   * down must not block the service's start). Without brokers it only loads
   * the checkpoint: revocations wait in the log.
   */
  async start(): Promise<void> {
    if (this.consumer || this.waitingForBroker || this.leaseLoop) return;
    this.stopping = false;
    this.checkpoint = await this.checkpoints.load(this.checkpointName);
    if (this.brokers.length === 0 && !this.options.producerFactory) {
      this.waitingForBroker = true;
      this.logger.warn(
        { checkpoint: this.checkpoint ?? null },
        'KAFKA_BROKERS is not set: revocations are kept in the log and published once a broker is configured',
      );
      return;
    }
    if (this.options.lease) {
      this.leaseLoop = this.followLease(this.options.lease);
      return;
    }
    this.startConsumer();
  }

  private startConsumer(): void {
    this.consumer = new CheckpointedConsumer(this.store, this.handler(), {
      batchSize: this.options.batchSize ?? 500,
      backoff: { initialMs: this.options.backoff?.initialMs ?? 250, maxMs: this.options.backoff?.maxMs ?? 30_000 },
      logger: this.logger,
    });
    this.consumer.start();
  }

  /** Stops: finishes the send in flight, sends what was read (best effort), disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeLeaseLoop?.();
    const loop = this.leaseLoop;
    this.leaseLoop = undefined;
    await loop;
    const consumer = this.consumer;
    this.consumer = undefined;
    this.waitingForBroker = false;
    await consumer?.stop();
    // After the last checkpoint was saved: a stand-by takes over at once, from there.
    await this.options.lease?.release();
  }

  /**
   * Stand by until the lease is ours, publish while it is, stop publishing
   * as soon as it is not (taken over, or not renewed in time), stand by again.
   * Renews every third of a lease; a stand-by polls every quarter.
   */
  private async followLease(lease: RelayLease): Promise<void> {
    let announcedStandBy = false;
    while (!this.stopping) {
      const held = await lease.tryAcquire().catch((error: unknown) => {
        this.logger.warn({ holder: lease.holder, error: String(error) }, 'revocation relay: cannot reach the lease on the log; retrying');
        return false;
      });
      if (held && lease.isHeld() && !this.consumer) {
        this.logger.info({ holder: lease.holder, leaseMs: lease.leaseMs }, 'revocation relay holds the lease: publishing');
        announcedStandBy = false;
        this.startConsumer();
      } else if (!lease.isHeld() && this.consumer) {
        const consumer = this.consumer;
        this.consumer = undefined;
        this.logger.warn({ holder: lease.holder }, 'revocation relay lost its lease: stopped publishing, standing by');
        await consumer.stop();
      }
      if (!this.consumer && !announcedStandBy) {
        this.logger.info({ holder: lease.holder, leaseMs: lease.leaseMs }, 'revocation relay standing by: another relay holds the lease');
        announcedStandBy = true;
      }
      const wake = new AbortController();
      this.wakeLeaseLoop = () => wake.abort();
      await sleep(this.consumer ? lease.leaseMs / 3 : lease.leaseMs / 4, undefined, { signal: wake.signal }).catch(() => undefined);
    }
  }

  /**
   * How far the relay is behind the log, in log positions: head position
   * minus checkpoint, and 0 when no refresh-token event is waiting (so events
   * of other streams at the head do not show as lag).
   */
  async lag(): Promise<number> {
    const checkpoint = this.checkpoint ?? (await this.checkpoints.load(this.checkpointName)) ?? 0;
    return lagBehind(this.store, checkpoint, STREAM_PREFIXES);
  }

  status(): RelayStatus {
    const consumer = this.consumer?.status();
    const lastError = consumer && consumer.failures > this.failuresAtLastAck ? (consumer.lastError ?? undefined) : undefined;
    const lease = this.options.lease;
    const standingBy = this.leaseLoop !== undefined && !consumer;
    return {
      state: this.waitingForBroker ? 'waiting_for_broker' : standingBy ? 'standing_by' : (consumer?.state ?? 'stopped'),
      checkpoint: this.checkpoint,
      published: this.published,
      ...(lastError !== undefined ? { lastError } : {}),
      ...(lease ? { lease: { holder: lease.holder, held: lease.isHeld() } } : {}),
    };
  }

  /** Resolves once the checkpoint reached `position` (every revocation up to it acknowledged by Kafka). */
  async waitForCheckpoint(position: number, timeoutMs = 30_000): Promise<void> {
    if ((this.checkpoint ?? 0) >= position) return;
    const reached = this.consumer ? await this.consumer.waitForPosition(position, timeoutMs) : false;
    if (!reached) throw new Error(`relay checkpoint ${this.checkpoint ?? 'none'} did not reach ${position} within ${timeoutMs} ms`);
  }

  private handler(): CheckpointedHandler {
    return {
      name: 'revocation relay',
      streamPrefixes: STREAM_PREFIXES,
      open: () =>
        this.kafkaCall(async () => {
          const kafka = this.createKafka();
          if (!this.topicReady && !this.options.producerFactory) {
            const admin = kafka.admin();
            await admin.connect();
            try {
              await ensureRevocationTopic(admin, this.topic, this.topicSettings, this.logger);
            } finally {
              await admin.disconnect();
            }
            this.topicReady = true;
          }
          this.producer = this.options.producerFactory ? this.options.producerFactory() : this.createProducer(kafka);
          await this.producer.connect();
        }),
      close: async () => {
        const producer = this.producer;
        this.producer = undefined;
        await producer?.disconnect().catch(() => undefined);
      },
      // Always from the saved checkpoint: whatever a failed run sent unacknowledged is sent again.
      loadCheckpoint: async () => {
        this.checkpoint = await this.checkpoints.load(this.checkpointName);
        this.logger.info({ after: this.checkpoint ?? null, topic: this.topic }, 'revocation relay subscribed');
        return this.checkpoint ?? 0;
      },
      handle: (events) => this.publish(events),
    };
  }

  /** Sends the batch's revocations, waits for the ack, then saves the checkpoint (issuances only move it). */
  private async publish(events: readonly RecordedEvent[]): Promise<number> {
    const producer = this.producer;
    if (!producer) throw new Error('revocation relay: no producer (the run was closed)');
    const revocations = events.filter((event) => event.type === 'RefreshTokenRevoked');
    const { issuer, signer } = this.options;
    const messages = signer ? await this.signAll(revocations, issuer, signer) : revocations.map((event) => toKafkaMessage(event, issuer));
    const position = events[events.length - 1].position;
    const lease = this.options.lease;
    if (lease && !lease.isHeld()) throw new RelayLeaseLostError(`relay ${lease.holder} no longer holds the lease: not publishing`);
    if (messages.length > 0) await this.send(producer, messages);
    await this.checkpoints.save(this.checkpointName, position);
    this.checkpoint = position;
    this.published += messages.length;
    this.failuresAtLastAck = this.consumer?.status().failures ?? 0;
    return position;
  }

  /** One acknowledged send; traced (OTEL_*) as a producer span: topic and message count, never a message. */
  private send(producer: Producer, messages: RevocationKafkaMessage[]): Promise<void> {
    const attributes = { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': this.topic, 'messaging.batch.message_count': messages.length };
    return withSpan(
      `send ${this.topic}`,
      attributes,
      async () => {
        await this.kafkaCall(() => producer.send({ topic: this.topic, acks: -1, messages }));
      },
      'producer',
    );
  }

  /**
   * Signs one message at a time, yielding to the event loop between them:
   * signing is synchronous CPU work, and the embedded relay shares its
   * process with the HTTP service (a bulk revocation signs thousands).
   */
  private async signAll(events: readonly RecordedEvent[], issuer: string, signer: RevocationSigner): Promise<RevocationKafkaMessage[]> {
    const messages: RevocationKafkaMessage[] = [];
    for (const event of events) {
      messages.push(await toSignedKafkaMessage(event, issuer, signer));
      await setImmediate();
    }
    return messages;
  }

  /** Runs a Kafka call; logs the outage's start (once, at error) and its end (info), not every failed attempt. */
  private async kafkaCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      if (this.kafkaDown) {
        this.kafkaDown = false;
        this.logger.info({ brokers: this.brokers, topic: this.topic }, 'Kafka is reachable again: publishing the revocations that waited');
      }
      return result;
    } catch (error) {
      // A compacted topic is the operator's to fix, not an outage: its own message says how.
      if (error instanceof TopicCompactedError) {
        this.logger.error({ topic: this.topic, code: error.code }, error.message);
        throw error;
      }
      if (!this.kafkaDown) {
        this.kafkaDown = true;
        this.logger.error(
          { brokers: this.brokers, topic: this.topic, error: error instanceof Error ? error.message : String(error) },
          'Kafka is unreachable: revocations wait in the log; reconnecting with backoff',
        );
      }
      throw error;
    }
  }

  private createKafka(): Kafka {
    return new Kafka({
      clientId: 'revocation-relay',
      // Bounded retries (kafkajs warns this "may invalidate EoS"): a send that gives up ends the run and
      // the relay replays from its checkpoint with a fresh producer; duplicates are de-duplicated by ce_id.
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 5 },
      logCreator: relayKafkaLogCreator(this.logger),
      ...this.options.kafka,
      brokers: [...this.brokers],
    });
  }

  private createProducer(kafka: Kafka): Producer {
    // Idempotent: a retried produce request is written once per partition (sequence numbers);
    // one request in flight keeps order; acks -1 on every send.
    // The default (murmur2) partitioner is the Java client's: key = user id lands where any Kafka client would put it.
    return kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // The relay created the topic with its settings (ensureRevocationTopic); never a broker-default one.
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }
}
