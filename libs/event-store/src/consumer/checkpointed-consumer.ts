import { CodedError, consoleLogger, type Logger } from '@app/shared';
import { backoffDelayMs } from '../backoff';
import type { EventStore, RecordedEvent, Subscription } from '../event-store.port';
import { PositionWaiters } from './position-waiters';

/**
 * What a checkpointed consumer feeds: the projection (read model) and the
 * revocation relay (Kafka) are both one. The handler owns its checkpoint and
 * decides when it is durable: the projection commits it in the same
 * transaction as the read-model change, the relay saves it after Kafka's ack
 * (invariant 7). The consumer only ever asks for it and resumes after it.
 */
export interface CheckpointedHandler {
  /** Names the consumer in log lines. */
  readonly name: string;
  /** The streams it reads. */
  readonly streamPrefixes: readonly string[];
  /** The saved checkpoint (last position handled; 0: none). Read at every (re)start. */
  loadCheckpoint(): Promise<number> | number;
  /** Handles events in log order, saves the checkpoint they reach, and returns it. Throwing restarts from the saved one. */
  handle(events: readonly RecordedEvent[]): Promise<number> | number;
  /** Before each run from the checkpoint (e.g. connect a producer). */
  open?(): Promise<void>;
  /** After each run, failed or stopped (e.g. disconnect). */
  close?(): Promise<void>;
}

export interface CheckpointedConsumerOptions {
  /** Most events per `handle` call (default 500). */
  batchSize?: number;
  /** Restart delays after a failure: doubles from `initialMs` up to `maxMs` (defaults 100 ms, 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  logger?: Logger;
}

export type ConsumerState = 'idle' | 'catching-up' | 'live' | 'retrying' | 'stopped';

/** For health probes, metrics and CLIs. */
export interface ConsumerStatus {
  state: ConsumerState;
  /** The checkpoint: last position handled. */
  position: number;
  /** The first catch-up completed. */
  caughtUp: boolean;
  /** Failures since start (each followed by a restart from the checkpoint). */
  failures: number;
  lastError: string | null;
}

export type ConsumerErrorCode = 'CONSUMER_STOPPED' | 'CONSUMER_ALREADY_STARTED';

export abstract class ConsumerError extends CodedError<ConsumerErrorCode> {}

/** Stopped before it first caught up (rejects `caughtUp`). */
export class ConsumerStoppedError extends ConsumerError {
  readonly code = 'CONSUMER_STOPPED' as const;
}

/** `start()` was called twice: a consumer is single use. */
export class ConsumerAlreadyStartedError extends ConsumerError {
  readonly code = 'CONSUMER_ALREADY_STARTED' as const;
}

/**
 * Keeps a handler fed from the event store: load the checkpoint, catch up by
 * reading the log in batches, then follow it live with a catch-up
 * subscription (events buffered and handed over in batches as soon as the
 * subscription yields, so a bulk revocation costs a few calls and a single
 * event is handled at once). Any failure (store outage, a handler that
 * throws) closes the run, waits with capped exponential backoff, and starts
 * again from the saved checkpoint: nothing is lost, and what was handled but
 * not checkpointed is handled again (invariants 7 and 8).
 *
 * Single use: start once, stop once.
 */
export class CheckpointedConsumer {
  /** Resolves when the first catch-up reached the head; rejects with ConsumerStoppedError if stopped first. */
  readonly caughtUp: Promise<void>;
  private readonly batchSize: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly logger: Logger;
  private readonly waiters: PositionWaiters;
  private state: ConsumerState = 'idle';
  private checkpoint = 0;
  private hasCaughtUp = false;
  private failures = 0;
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private loop: Promise<void> | undefined;
  /** Ends the current wait: the live phase or a backoff sleep. */
  private interrupt: (() => void) | undefined;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;

  constructor(
    private readonly store: EventStore,
    private readonly handler: CheckpointedHandler,
    options: CheckpointedConsumerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.initialDelayMs = options.backoff?.initialMs ?? 100;
    this.maxDelayMs = options.backoff?.maxMs ?? 30_000;
    this.logger = options.logger ?? consoleLogger;
    this.waiters = new PositionWaiters(() => this.checkpoint);
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    // Nobody has to await caughtUp: a rejection on stop must not surface as unhandled.
    this.caughtUp.catch(() => undefined);
  }

  /** Starts in the background and returns at once; await `caughtUp` for the first catch-up. */
  start(): void {
    if (this.state !== 'idle') throw new ConsumerAlreadyStartedError(`${this.handler.name}: a consumer is single use, start() was already called`);
    this.state = 'catching-up';
    this.loop = this.run();
  }

  /** Stops: hands over what was read (best effort), closes the handler's run; resolves once nothing runs. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.interrupt?.();
    await this.loop;
    this.waiters.cancelAll();
    if (!this.hasCaughtUp) this.rejectCaughtUp(new ConsumerStoppedError(`${this.handler.name} stopped before it caught up`));
  }

  /** Last position handled (and checkpointed). */
  position(): number {
    return this.checkpoint;
  }

  /** True once the checkpoint reached `position` (settled by the handler's commit, no polling); false after `timeoutMs` or on stop. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(position, timeoutMs);
  }

  /** How far behind the log it is, in positions (see `lagBehind`). */
  lag(): Promise<number> {
    return lagBehind(this.store, this.checkpoint, this.handler.streamPrefixes);
  }

  status(): ConsumerStatus {
    return { state: this.state, position: this.checkpoint, caughtUp: this.hasCaughtUp, failures: this.failures, lastError: this.lastError };
  }

  private get stopping(): boolean {
    return this.state === 'stopped';
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let opened = false;
      try {
        this.state = 'catching-up';
        await this.handler.open?.();
        opened = true;
        if (this.stopping) break;
        this.advance(await this.handler.loadCheckpoint());
        await this.catchUpInBatches();
        if (this.stopping) break;
        await this.followLive();
      } catch (error) {
        if (this.stopping) break;
        this.failures++;
        this.consecutiveFailures++;
        this.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const delayMs = backoffDelayMs(this.initialDelayMs, this.maxDelayMs, this.consecutiveFailures);
        this.logger.warn(
          { consumer: this.handler.name, position: this.checkpoint, error: this.lastError, retryInMs: delayMs },
          `${this.handler.name} failed; restarting from its checkpoint`,
        );
        this.state = 'retrying';
        if (opened) await this.closeRun();
        opened = false;
        await this.sleep(delayMs);
      } finally {
        if (opened) await this.closeRun();
      }
    }
  }

  private async closeRun(): Promise<void> {
    await this.handler.close?.().catch((error: unknown) => {
      this.logger.warn({ consumer: this.handler.name, error: String(error) }, `${this.handler.name}: closing its run failed`);
    });
  }

  /** Reads the log from the checkpoint to its current end, `batchSize` events per `handle`. */
  private async catchUpInBatches(): Promise<void> {
    const batches = readInBatches(this.store, { after: this.checkpoint, streamPrefixes: this.handler.streamPrefixes, batchSize: this.batchSize });
    for await (const batch of batches) {
      // Events read before a stop are handed over: they are committed facts, and the batch is cheap.
      await this.deliver(batch);
      if (this.stopping) break;
      // Let HTTP handlers run between batches of a long replay.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Follows the log live; resolves on stop, rejects when the subscription or the handler fails. */
  private async followLive(): Promise<void> {
    let pending: RecordedEvent[] = [];
    let chain: Promise<void> = Promise.resolve();
    let failure: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    let subscription: Subscription | undefined;
    let fail: (error: Error) => void = () => undefined;
    // Hand-overs run one after another, in log order.
    const flush = (): Promise<void> => {
      chain = chain.then(async () => {
        if (failure || pending.length === 0) return;
        const events = pending;
        pending = [];
        try {
          await this.deliver(events);
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)));
        }
      });
      return chain;
    };
    // A macrotask: runs once the subscription yields (end of a page, or live), so a burst is one batch.
    const schedule = (): void => {
      if (timer || failure) return;
      timer = setTimeout(() => {
        timer = undefined;
        void flush();
      }, 0);
    };
    try {
      await new Promise<void>((resolve, reject) => {
        fail = (error) => {
          if (failure) return;
          failure = error;
          reject(error);
        };
        this.interrupt = resolve;
        subscription = this.store.subscribeToAll({
          after: this.checkpoint,
          streamPrefixes: [...this.handler.streamPrefixes],
          onEvent: async (event) => {
            if (failure) throw failure;
            pending.push(event);
            if (pending.length >= this.batchSize) await flush();
            else schedule();
          },
          onCaughtUp: () => {
            void flush().then(() => {
              if (!failure && !this.stopping) this.markLive();
            });
          },
          onError: fail,
        });
      });
    } finally {
      this.interrupt = undefined;
      await subscription?.stop().catch((error: unknown) => {
        this.logger.warn({ consumer: this.handler.name, error: String(error) }, 'stopping the event-store subscription failed');
      });
      if (timer) clearTimeout(timer);
      if (!failure) await flush();
      await chain;
    }
  }

  private async deliver(events: readonly RecordedEvent[]): Promise<void> {
    this.advance(await this.handler.handle(events));
    this.consecutiveFailures = 0;
  }

  private advance(position: number): void {
    this.checkpoint = position;
    this.waiters.advancedTo(position);
  }

  private markLive(): void {
    this.state = 'live';
    this.consecutiveFailures = 0;
    if (!this.hasCaughtUp) {
      this.hasCaughtUp = true;
      this.resolveCaughtUp();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.interrupt = done;
    }).finally(() => {
      this.interrupt = undefined;
    });
  }
}

/**
 * The log from `after` (to `untilPosition`, inclusive, or its current end),
 * `batchSize` events at a time: the catch-up of the consumer, of a rebuild
 * and of the audit's replay. One query per batch where the adapter has
 * `readPages` (SQLite), else `readAll` gathered into batches.
 */
export async function* readInBatches(
  store: EventStore,
  options: { after?: number; streamPrefixes: readonly string[]; batchSize: number; untilPosition?: number },
): AsyncGenerator<RecordedEvent[]> {
  if (store.readPages) {
    yield* store.readPages({ after: options.after, untilPosition: options.untilPosition, streamPrefixes: options.streamPrefixes, pageSize: options.batchSize });
    return;
  }
  let batch: RecordedEvent[] = [];
  for await (const event of store.readAll({ after: options.after, streamPrefixes: [...options.streamPrefixes] })) {
    if (options.untilPosition !== undefined && event.position > options.untilPosition) break;
    batch.push(event);
    if (batch.length >= options.batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Positions between `checkpoint` and the log's head, and 0 when no event of
 * `streamPrefixes` waits there (events of other streams at the head are not lag).
 */
export async function lagBehind(store: EventStore, checkpoint: number, streamPrefixes: readonly string[]): Promise<number> {
  const head = await store.headPosition();
  if (head <= checkpoint) return 0;
  for await (const _event of store.readAll({ after: checkpoint, streamPrefixes: [...streamPrefixes], maxCount: 1 })) {
    return head - checkpoint;
  }
  return 0;
}
