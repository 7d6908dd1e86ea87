import { Logger } from '@nestjs/common';
import { type EventStore, EventStoreUnavailableError } from '@app/event-store';
import { PROJECTED_STREAM_PREFIXES, type ProjectionProgress } from '@app/read-model';
import { freshRead } from './fresh-read';

/**
 * The two waits on this node's projection, side by side:
 *
 * - `waitForWrite` (invariant 6, the command side): when a write returns, this
 *   node's read model already shows it, so a revoked token is never accepted
 *   again by the node that answered 204. Bounded: a stuck projection is
 *   logged, not answered as an error; the event is durable in the log and the
 *   readiness probe reports the lag.
 * - `catchUpToHead` (invariant 9, the read side): a lookup that found nothing
 *   may only be because another replica wrote it a moment ago. Before such a
 *   negative answer changes anything, the projection applies every projected
 *   event the store held when asked; past READ_YOUR_WRITES_TIMEOUT_MS we
 *   answer 503, never a wrong negative. Its store reads are shared
 *   (`freshRead`), so a flood of unknown tokens is not a flood of reads.
 */
export class ProjectionSync {
  private readonly logger = new Logger('ProjectionSync');
  /** Shared reads (see `freshRead`): the store's head, and the first projected event past the projection. */
  private readonly head: () => Promise<number>;
  private readonly nextProjected: () => Promise<number | undefined>;

  constructor(
    private readonly progress: ProjectionProgress,
    private readonly store: EventStore,
    private readonly timeoutMs: number,
  ) {
    this.head = freshRead(() => this.store.headPosition());
    this.nextProjected = freshRead(() => this.nextProjectedAfter(this.progress.position()));
  }

  /** Waits (bounded) until the local projection has applied `position`; nothing to wait for when undefined. */
  async waitForWrite(position: number | undefined): Promise<void> {
    if (position === undefined) return;
    if (!(await this.progress.waitForPosition(position, this.timeoutMs))) {
      this.logger.warn(`projection did not reach position ${position} within ${this.timeoutMs} ms`);
    }
  }

  /**
   * Resolves once the projection has applied every projected event the store
   * held when called. The head may be an event the projection never applies
   * (a relay checkpoint), so "reached" means: no projected event left at or
   * before it. Each step reads one event (the first projected one past the
   * projection's position) and waits for it; the projection applies in
   * batches, so a step usually covers many events. Nothing scans the log up
   * to the head. Each caller has its own bound.
   */
  async catchUpToHead(): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    const head = await this.head();
    while (head > this.progress.position()) {
      const next = await this.nextProjected();
      if (next === undefined || next > head) return;
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.progress.waitForPosition(next, left))) {
        this.logger.warn(`projection did not reach the store head (position ${head}) within ${this.timeoutMs} ms`);
        throw new EventStoreUnavailableError(`the local read model is behind the event store (position ${head})`);
      }
    }
  }

  private async nextProjectedAfter(position: number): Promise<number | undefined> {
    for await (const event of this.store.readAll({ after: position, streamPrefixes: [...PROJECTED_STREAM_PREFIXES], maxCount: 1 })) return event.position;
    return undefined;
  }
}
