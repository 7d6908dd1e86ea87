import type { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import type { CredentialProjection } from './credential-projection';
import { ProjectionStoppedError, RunnerAlreadyStartedError } from './errors';
import { PROJECTED_STREAM_PREFIXES } from './projected-events';
import { consoleProjectionLogger, type ProjectionLogger } from './projection-logger';

export interface ProjectionRunnerOptions {
  /** Events per transaction while catching up (default 500). Live events are applied one by one. */
  batchSize?: number;
  /** Restart delays after a failure: doubles from `initialMs` up to `maxMs` (defaults 100 ms, 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  logger?: ProjectionLogger;
}

export type ProjectionRunnerState = 'idle' | 'catching-up' | 'live' | 'retrying' | 'stopped';

/** For health and readiness probes. */
export interface ProjectionRunnerStatus {
  state: ProjectionRunnerState;
  /** Checkpoint: last log position applied. */
  position: number;
  /** The first catch-up completed. */
  caughtUp: boolean;
  /** Failures since start (each followed by a restart from the checkpoint). */
  failures: number;
  lastError: string | null;
}

/**
 * Keeps a CredentialProjection fed from the event store.
 *
 * Catch-up reads the log from the checkpoint in batches (one transaction per
 * batch), then a catch-up subscription from the new checkpoint follows live
 * events. When anything fails (event-store outage, a read-model write error),
 * it waits with capped exponential backoff and starts over from the
 * checkpoint, which was committed with the read model: nothing is applied
 * twice or lost (invariants 7 and 8). Single use: start once, stop once.
 */
export class ProjectionRunner {
  /** Resolves when the first catch-up reached the head; rejects with ProjectionStoppedError if stopped first. */
  readonly caughtUp: Promise<void>;
  private readonly batchSize: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly logger: ProjectionLogger;
  private state: ProjectionRunnerState = 'idle';
  private hasCaughtUp = false;
  private failures = 0;
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private loop: Promise<void> | undefined;
  private subscription: Subscription | undefined;
  /** Ends the current wait: the live phase or a backoff sleep. */
  private interrupt: (() => void) | undefined;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;

  constructor(
    private readonly store: EventStore,
    private readonly projection: CredentialProjection,
    options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.initialDelayMs = options.backoff?.initialMs ?? 100;
    this.maxDelayMs = options.backoff?.maxMs ?? 30_000;
    this.logger = options.logger ?? consoleProjectionLogger;
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    // Nobody has to await caughtUp: a rejection on stop must not surface as unhandled.
    this.caughtUp.catch(() => undefined);
  }

  /** Starts catching up, then following. Returns at once; await `caughtUp` for the first catch-up. */
  start(): void {
    if (this.state !== 'idle') throw new RunnerAlreadyStartedError('ProjectionRunner is single use: start() was already called');
    this.state = 'catching-up';
    this.loop = this.run();
  }

  /** Stops after the event being applied, if any; resolves once nothing runs. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.interrupt?.();
    await this.loop;
    this.settleStopped();
  }

  /** Last log position applied. */
  position(): number {
    return this.projection.position();
  }

  /** See CredentialProjection.waitForPosition (read-your-writes, invariant 6). */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    return this.projection.waitForPosition(position, timeoutMs);
  }

  status(): ProjectionRunnerStatus {
    return {
      state: this.state,
      position: this.projection.position(),
      caughtUp: this.hasCaughtUp,
      failures: this.failures,
      lastError: this.lastError,
    };
  }

  private get stopping(): boolean {
    return this.state === 'stopped';
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        this.state = 'catching-up';
        await this.catchUpInBatches();
        if (this.stopping) return;
        await this.followLive();
      } catch (error) {
        if (this.stopping) return;
        this.failures++;
        this.consecutiveFailures++;
        this.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const delayMs = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** (this.consecutiveFailures - 1));
        this.logger.warn(
          { projection: this.projection.name, position: this.projection.position(), error: this.lastError, retryInMs: delayMs },
          'credential projection failed; restarting from its checkpoint',
        );
        this.state = 'retrying';
        await this.sleep(delayMs);
      }
    }
  }

  /** Reads the log from the checkpoint to its current end, `batchSize` events per transaction. */
  private async catchUpInBatches(): Promise<void> {
    let batch: RecordedEvent[] = [];
    const events = this.store.readAll({ after: this.projection.position(), streamPrefixes: [...PROJECTED_STREAM_PREFIXES] });
    for await (const event of events) {
      if (this.stopping) break;
      batch.push(event);
      if (batch.length >= this.batchSize) {
        this.projection.applyBatch(batch);
        batch = [];
        // Let HTTP handlers run between batches of a long replay.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    // Events read before a stop are applied: they are committed facts, and the batch is cheap.
    if (batch.length > 0) this.projection.applyBatch(batch);
  }

  /** Follows the log live; resolves on stop, rejects when the subscription fails. */
  private async followLive(): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.interrupt = resolve;
        this.subscription = this.store.subscribeToAll({
          after: this.projection.position(),
          streamPrefixes: [...PROJECTED_STREAM_PREFIXES],
          onEvent: (event) => {
            this.projection.apply(event);
          },
          onCaughtUp: () => {
            if (this.stopping) return;
            this.state = 'live';
            this.consecutiveFailures = 0;
            if (!this.hasCaughtUp) {
              this.hasCaughtUp = true;
              this.resolveCaughtUp();
            }
          },
          onError: reject,
        });
      });
    } finally {
      this.interrupt = undefined;
      const subscription = this.subscription;
      this.subscription = undefined;
      await subscription?.stop().catch((error: unknown) => {
        this.logger.warn({ projection: this.projection.name, error: String(error) }, 'stopping the event-store subscription failed');
      });
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

  private settleStopped(): void {
    if (!this.hasCaughtUp) this.rejectCaughtUp(new ProjectionStoppedError('projection runner stopped before it caught up'));
  }
}
