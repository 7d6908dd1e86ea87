import { type ConsumerStatus, PositionWaiters } from '@app/event-store';
import type { ProjectionProgress } from './projection-progress';
import type { ReadModel } from './read-model';

export interface ReadModelFollowerOptions {
  /** The projection's checkpoint name in the model (ReadModelProjection's `name`). */
  checkpointName: string;
  /** How often the checkpoint row is read while someone waits (ms). Default 1. */
  pollIntervalMs?: number;
}

/**
 * A read model projected by another process (a cluster worker, WORKERS > 1):
 * this process only reads the shared file (WAL: every committed batch is
 * visible at once) and follows the projection's checkpoint row, so
 * read-your-writes and the head catch-up wait here as they would on the
 * runner. The row is read only while a wait is pending (every
 * `pollIntervalMs`), a few microseconds each.
 */
export class ReadModelFollower implements ProjectionProgress {
  readonly caughtUp: Promise<void> = Promise.resolve();
  private readonly waiters: PositionWaiters;
  private readonly pollIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly readModel: ReadModel,
    private readonly options: ReadModelFollowerOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1;
    this.waiters = new PositionWaiters(() => this.position());
  }

  start(): void {}

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.waiters.cancelAll();
  }

  /** The projection's checkpoint as the shared file holds it now. */
  position(): number {
    return this.readModel.checkpoint(this.options.checkpointName);
  }

  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    const reached = this.waiters.wait(position, timeoutMs);
    this.schedulePoll();
    return reached;
  }

  status(): ConsumerStatus {
    return { state: this.stopped ? 'stopped' : 'live', position: this.position(), caughtUp: true, failures: 0, lastError: null };
  }

  private schedulePoll(): void {
    if (this.timer !== undefined || this.waiters.pending === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.waiters.advancedTo(this.position());
      this.schedulePoll();
    }, this.pollIntervalMs);
  }
}
