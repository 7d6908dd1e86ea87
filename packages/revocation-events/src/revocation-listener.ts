/**
 * The consumer SDK for downstream services (product.md F10): follows the
 * revocations topic, keeps a local set of revoked credential ids, and checks
 * id_tokens against it, so a service stops trusting tokens of a revoked
 * credential at once instead of when they expire.
 *
 * Delivery is at least once (the relay replays after a crash): callbacks are
 * de-duplicated by `ce_id` in a bounded window. The set itself is never
 * de-duplicated and never shrinks for a record: every accepted record adds
 * its credential (or keeps it), so neither a reused `ce_id` nor a later
 * record with an old `revoked_at` can take a revocation back.
 *
 * Who may revoke: with `issuer`, only records whose `ce_source` is it; with
 * `jwksUri`, only records whose `ce_signature` verifies against the issuer's
 * JWKS (see signing-input.ts). Anything else is ignored and counted in
 * `stats()`: a topic writer who is not the service can neither revoke nor
 * announce.
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
import { DEFAULT_JWKS_COOLDOWN_MS, messageVerifier, type MessageVerifier, type SignatureCheck } from './message-signature';
import { RevokedCredentials } from './revocation-set';
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
  /** How many recent `ce_id`s to remember for de-duplicating callbacks. Default 100 000. */
  dedupWindow?: number;
  /**
   * Forget a revocation this long after this listener received it. Safe once
   * it exceeds the longest id_token lifetime: no id_token is minted from a
   * revoked credential, so every token with that `sid` has expired by then.
   * Counted from reception, never from the record's `revoked_at`, which a
   * record could set in the past. Default: keep forever.
   */
  retentionMs?: number;
  /** The service's ISSUER: a record whose `ce_source` differs is ignored (counted as `foreignSource`). */
  issuer?: string;
  /**
   * The service's JWKS (`${ISSUER}.well-known/jwks.json`): a record without a
   * `ce_signature` that verifies against it is ignored (counted as `unsigned`
   * or `badSignature`). Strongly recommended: without it, anyone who can
   * write to the topic can revoke.
   */
  jwksUri?: string | URL;
  /** Least time between two JWKS fetches (an unknown `kid` refetches). Default 60 s. */
  jwksCooldownMs?: number;
  /** `start()` rejects if the listener has not caught up within this time. Default 60 s. */
  startTimeoutMs?: number;
  /** Longest a fetch waits on the broker when there is nothing to read. Default 1000 ms. */
  maxWaitTimeMs?: number;
  /** Further kafkajs client settings (ssl, sasl, clientId). */
  kafka?: Omit<KafkaConfig, 'brokers'>;
  logger?: Logger;
}

export interface RevocationListenerStats {
  /** Distinct revocations applied (callbacks called). */
  received: number;
  /** Redeliveries by `ce_id`: applied to the set again, no callback. */
  duplicates: number;
  /** Records on the topic that broke the contract (skipped). */
  invalid: number;
  /** Records ignored because their `ce_source` is not `issuer`. */
  foreignSource: number;
  /** Records ignored because they carry no `ce_signature` (with `jwksUri`). */
  unsigned: number;
  /** Records ignored because their `ce_signature` does not verify against the JWKS (with `jwksUri`). */
  badSignature: number;
  /** Credential ids currently in the set. */
  revoked: number;
}

export type RevocationCallback = (event: RevocationEvent) => void | Promise<void>;

/** Most records waiting for the JWKS cooldown to end; past it, a record with an unknown `kid` counts as `badSignature` at once. */
const MAX_DEFERRED = 10_000;

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
  private readonly revoked: RevokedCredentials;
  private readonly verify: MessageVerifier | undefined;
  /** Records whose `kid` was unknown during the JWKS cooldown: verified again once it is over. */
  private deferred: { partition: number; message: KafkaMessage }[] = [];
  private deferredTimer: NodeJS.Timeout | undefined;
  private readonly callbacks = new Set<RevocationCallback>();
  private readonly counters = { received: 0, duplicates: 0, invalid: 0, foreignSource: 0, unsigned: 0, badSignature: 0 };
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
    this.revoked = new RevokedCredentials(options.retentionMs);
    this.verify = options.jwksUri === undefined ? undefined : messageVerifier({ jwksUri: options.jwksUri, cooldownMs: this.jwksCooldownMs() });
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
    clearTimeout(this.deferredTimer);
    this.deferredTimer = undefined;
    this.deferred = [];
    this.joined = false;
    await consumer?.disconnect();
  }

  /** True once `start()` caught up: `isRevoked` answers for every revocation retained on the topic. */
  isReady(): boolean {
    return this.ready;
  }

  /** Whether this credential id (an id_token's `sid`) has been revoked. */
  isRevoked(credentialId: string): boolean {
    return this.revoked.has(credentialId, Date.now());
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
    await this.accept(partition, message, 'first');
    const target = this.catchUpTargets.get(partition);
    if (target !== undefined && BigInt(message.offset) + 1n >= BigInt(target)) {
      this.catchUpTargets.delete(partition);
      this.checkReady();
    }
  }

  /** Parses, checks the source and the signature, applies; a record that fails is counted and skipped (never stops the stream). */
  private async accept(partition: number, message: KafkaMessage, attempt: 'first' | 'after_refetch'): Promise<void> {
    let event: RevocationEvent;
    try {
      event = parseRevocationMessage(message);
    } catch (error) {
      this.counters.invalid += 1;
      this.logger.warn({ err: error, partition, offset: message.offset }, 'skipped a record that is not a valid revocation');
      return;
    }
    const where = { partition, offset: message.offset, ce_id: event.id, ce_source: event.source };
    if (this.options.issuer !== undefined && event.source !== this.options.issuer) {
      this.counters.foreignSource += 1;
      this.logger.warn(where, 'ignored a revocation from another source than the configured issuer');
      return;
    }
    const check = this.verify ? await this.checkSignature(this.verify, message) : undefined;
    if (check && !check.ok) {
      // Bounded: a flood of made-up kids during one cooldown cannot fill memory.
      if (check.reason === 'unknown_kid' && attempt === 'first' && this.deferred.length < MAX_DEFERRED) return this.defer(partition, message);
      const counter = check.reason === 'unsigned' ? 'unsigned' : 'badSignature';
      this.counters[counter] += 1;
      this.logger.warn({ ...where, reason: check.reason, detail: check.detail }, 'ignored a revocation without a valid ce_signature');
      return;
    }
    this.apply(event);
  }

  /** A JWKS that cannot be fetched judges nothing: wait and retry (the partition waits), never drop a revocation for it. */
  private async checkSignature(verify: MessageVerifier, message: KafkaMessage): Promise<SignatureCheck> {
    for (let attempt = 0; ; attempt++) {
      const check = await verify(message);
      if (check.ok || check.reason !== 'unavailable' || !this.consumer) return check;
      if (attempt === 0) this.logger.error({ detail: check.detail }, 'cannot fetch the issuer JWKS: revocations wait until it can be');
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
    }
  }

  /** Verified again after the cooldown, when the JWKS may be refetched: a key rotated in meanwhile is then known. */
  private defer(partition: number, message: KafkaMessage): void {
    this.deferred.push({ partition, message });
    this.deferredTimer ??= setTimeout(() => {
      this.deferredTimer = undefined;
      const batch = this.deferred.splice(0);
      void (async () => {
        for (const { partition, message } of batch) if (this.consumer) await this.accept(partition, message, 'after_refetch');
      })().catch((error: unknown) => this.logger.error({ err: error }, 'verifying deferred revocations failed'));
    }, this.jwksCooldownMs());
  }

  private jwksCooldownMs(): number {
    return this.options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
  }

  /** Adds to the set (always: the set only grows or keeps its time), then calls back once per `ce_id` and credential. */
  private apply(event: RevocationEvent): void {
    this.revoked.add(event.data.credential_id, Date.now());
    // Keyed by credential too: a record reusing another's ce_id cannot silence that one's callback.
    if (!this.seen.add(`${event.id}\u0000${event.subject}`)) {
      this.counters.duplicates += 1;
      return;
    }
    this.counters.received += 1;
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
