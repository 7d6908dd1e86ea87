/**
 * The consumer SDK for downstream services (product.md F10): follows the
 * revocations topic, keeps a local set of revoked credential ids, and checks
 * id_tokens against it, so a service stops trusting tokens of a revoked
 * credential at once instead of when they expire.
 *
 * Delivery is at least once (the relay replays after a crash): events are
 * de-duplicated by `ce_id` in a bounded window, and adding a credential to the
 * set is idempotent anyway, so a duplicate outside the window is harmless.
 *
 * Every instance needs every revocation, so by default offsets are not
 * committed and each start replays the retained topic (`fromBeginning`):
 * give each process its own `groupId` (two processes sharing one group would
 * each see only some partitions).
 */
import { Kafka, type Consumer, type KafkaConfig, type KafkaMessage } from 'kafkajs';
import { BrokerUnreachableError, ListenerNotReadyError } from './errors';
import { verifyIdTokenNotRevoked, type IdTokenVerificationOptions, type VerifiedIdToken } from './id-token-verification';
import { parseRevocationMessage, type RevocationEvent } from './message';
import { kafkaLogCreator, silentLogger, type Logger } from './logger';
import { DEFAULT_REVOCATIONS_TOPIC, parseBrokers } from './topic';

export interface RevocationListenerOptions {
  /** Kafka bootstrap brokers: a list or a comma-separated string (`KAFKA_BROKERS`). */
  brokers: string | readonly string[];
  /** Consumer group; one per process (see the module comment). */
  groupId: string;
  /** Default `refresh-token.revocations`. */
  topic?: string;
  /** Replay the retained topic on start to rebuild the set (default true); false: only revocations from now on. */
  fromBeginning?: boolean;
  /** Commit offsets (default false: each start rebuilds the set from the topic). */
  commitOffsets?: boolean;
  /** How many recent `ce_id`s to remember for de-duplication. Default 100 000. */
  dedupWindow?: number;
  /**
   * Forget a revocation this long after it happened. Safe once it exceeds
   * the longest id_token lifetime: no id_token is minted from a revoked
   * credential, so every token with that `sid` has expired by then.
   * Default: keep forever.
   */
  retentionMs?: number;
  /** `start()` rejects if the listener has not caught up within this time. Default 60 s. */
  startTimeoutMs?: number;
  /** Longest a fetch waits on the broker when there is nothing to read. Default 1000 ms. */
  maxWaitTimeMs?: number;
  /** Further kafkajs client settings (ssl, sasl, clientId). */
  kafka?: Omit<KafkaConfig, 'brokers'>;
  logger?: Logger;
}

export interface RevocationListenerStats {
  /** Distinct revocations applied. */
  received: number;
  /** Redeliveries dropped by `ce_id`. */
  duplicates: number;
  /** Records on the topic that broke the contract (skipped). */
  invalid: number;
  /** Credential ids currently in the set. */
  revoked: number;
}

export type RevocationCallback = (event: RevocationEvent) => void | Promise<void>;

/** Insertion-ordered set that forgets its oldest entries past `capacity`. */
class BoundedIdSet {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}
  /** Adds; false when it was already there. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

export class RevocationListener {
  private readonly topic: string;
  private readonly logger: Logger;
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private readonly seen: BoundedIdSet;
  /** credential id → revocation time (ms). */
  private readonly revoked = new Map<string, number>();
  private readonly callbacks = new Set<RevocationCallback>();
  private readonly counters = { received: 0, duplicates: 0, invalid: 0 };
  private ready = false;
  /** Partition → offset to reach before the set is complete (high watermarks at start). */
  private catchUpTargets = new Map<number, string>();
  private joined = false;
  private signalReady: (() => void) | undefined;

  constructor(private readonly options: RevocationListenerOptions) {
    const brokers = parseBrokers(options.brokers);
    if (!brokers) throw new TypeError('RevocationListener needs at least one broker');
    this.topic = options.topic ?? DEFAULT_REVOCATIONS_TOPIC;
    this.logger = options.logger ?? silentLogger;
    this.seen = new BoundedIdSet(options.dedupWindow ?? 100_000);
    this.kafka = new Kafka({ clientId: 'revocation-listener', logCreator: kafkaLogCreator(this.logger), ...options.kafka, brokers });
  }

  /**
   * Joins the group and consumes. Resolves once the listener has caught up
   * with the topic as it was at start (with `fromBeginning`), so the set is
   * complete before the service trusts any token.
   */
  async start(): Promise<void> {
    if (this.consumer) return;
    const fromBeginning = this.options.fromBeginning ?? true;
    try {
      this.catchUpTargets = fromBeginning ? await this.endOffsets() : new Map();
    } catch (error) {
      throw brokerUnreachable(error, this.options.brokers) ?? error;
    }
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: true,
      // A fetch returns as soon as a record arrives, so this bounds only idle polls and how long stop() waits.
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 1000,
    });
    this.consumer = consumer;
    const readyPromise = new Promise<void>((resolve) => (this.signalReady = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.checkReady();
    });
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ListenerNotReadyError(`not caught up with ${this.topic} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.consume(consumer, fromBeginning).then(() => readyPromise), timeout]);
    } catch (error) {
      await this.stop();
      throw brokerUnreachable(error, this.options.brokers) ?? error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async consume(consumer: Consumer, fromBeginning: boolean): Promise<void> {
    await consumer.connect();
    // A topic that does not exist yet is auto-created by this first subscription; until its
    // partitions have a leader, kafkajs reports UNKNOWN_TOPIC_OR_PARTITION instead of waiting.
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.subscribe({ topics: [this.topic], fromBeginning });
        break;
      } catch (error) {
        const unknownTopic = (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
        if (!unknownTopic || attempt >= 20 || !this.consumer) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    await consumer.run({
      autoCommit: this.options.commitOffsets ?? false,
      eachMessage: async ({ partition, message }) => this.handle(partition, message),
    });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.ready = false;
    this.joined = false;
    await consumer?.disconnect();
  }

  /** True once `start()` caught up: `isRevoked` answers for every revocation retained on the topic. */
  isReady(): boolean {
    return this.ready;
  }

  /** Whether this credential id (an id_token's `sid`) has been revoked. */
  isRevoked(credentialId: string): boolean {
    const at = this.revoked.get(credentialId);
    if (at === undefined) return false;
    const retention = this.options.retentionMs;
    if (retention !== undefined && Date.now() - at > retention) {
      this.revoked.delete(credentialId);
      return false;
    }
    return true;
  }

  /** Calls `callback` once per distinct revocation (after it is in the set). Returns a function that unsubscribes. */
  onRevocation(callback: RevocationCallback): () => void {
    this.callbacks.add(callback);
    return () => this.callbacks.delete(callback);
  }

  /**
   * Verifies an id_token of the service against its JWKS and rejects it when
   * its `sid` is revoked (see `verifyIdTokenNotRevoked`). Fails closed: throws
   * ListenerNotReadyError (`LISTENER_NOT_READY`) before the listener caught up.
   */
  async verifyIdTokenNotRevoked(idToken: string, options: IdTokenVerificationOptions): Promise<VerifiedIdToken> {
    if (!this.ready) throw new ListenerNotReadyError('the revocation listener has not caught up yet');
    return verifyIdTokenNotRevoked(idToken, options, this);
  }

  stats(): RevocationListenerStats {
    return { ...this.counters, revoked: this.revoked.size };
  }

  private async handle(partition: number, message: KafkaMessage): Promise<void> {
    try {
      this.apply(parseRevocationMessage(message));
    } catch (error) {
      // A bad record must not stop the stream: count it, log it, move on.
      this.counters.invalid += 1;
      this.logger.warn({ err: error, partition, offset: message.offset }, 'skipped a record that is not a valid revocation');
    }
    const target = this.catchUpTargets.get(partition);
    if (target !== undefined && BigInt(message.offset) + 1n >= BigInt(target)) {
      this.catchUpTargets.delete(partition);
      this.checkReady();
    }
  }

  private apply(event: RevocationEvent): void {
    if (!this.seen.add(event.id)) {
      this.counters.duplicates += 1;
      return;
    }
    this.counters.received += 1;
    const at = Date.parse(event.data.revoked_at);
    this.revoked.set(event.data.credential_id, Number.isNaN(at) ? Date.now() : at);
    for (const callback of this.callbacks) {
      Promise.resolve()
        .then(() => callback(event))
        .catch((error: unknown) => this.logger.error({ err: error, ce_id: event.id }, 'onRevocation callback failed'));
    }
  }

  private checkReady(): void {
    if (this.ready || !this.joined || this.catchUpTargets.size > 0) return;
    this.ready = true;
    this.signalReady?.();
  }

  /**
   * High watermarks of the non-empty partitions; an unknown topic is empty.
   * A topic being created right now (the relay creates it at its start) may
   * answer "not the leader" for a moment: retried with a fresh metadata read.
   */
  private async endOffsets(): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const topics = await admin.listTopics();
          if (!topics.includes(this.topic)) return new Map();
          const offsets = await admin.fetchTopicOffsets(this.topic);
          return new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, o.high]));
        } catch (error) {
          if (attempt >= 10 || !(error as { retriable?: boolean }).retriable) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    } finally {
      await admin.disconnect();
    }
  }
}

/** kafkajs's "no broker answered" errors, as the SDK's own coded error; undefined for anything else. */
function brokerUnreachable(error: unknown, brokers: RevocationListenerOptions['brokers']): BrokerUnreachableError | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  if (name !== 'KafkaJSConnectionError' && name !== 'KafkaJSNumberOfRetriesExceeded' && name !== 'KafkaJSBrokerNotFound') return undefined;
  const list = typeof brokers === 'string' ? brokers : brokers.join(',');
  return new BrokerUnreachableError(`no Kafka broker of ${list} answered (${(error as Error).message}); is one running there?`, { cause: error });
}
