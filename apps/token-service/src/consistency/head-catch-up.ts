import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { type EventStore, EventStoreUnavailableError } from '@app/event-store';
import { PROJECTED_STREAM_PREFIXES, ProjectionRunner } from '@app/read-model';
import { CONFIG, EVENT_STORE } from '../infrastructure/tokens';
import { freshRead } from './fresh-read';

/**
 * Invariant 9: a lookup that finds nothing in this replica's read model may
 * only be because another replica wrote it a moment ago. Before such a
 * negative answer changes anything ("revoked" said of a token that stays
 * valid, a refresh token refused, a 404), the local projection catches up
 * with the store's head as it is now (bounded by READ_YOUR_WRITES_TIMEOUT_MS;
 * past it we answer 503, never a wrong negative). The head read is shared
 * (`freshRead`), so a flood of unknown tokens is not a flood of head reads.
 */
@Injectable()
export class HeadCatchUp {
  private readonly logger = new Logger('HeadCatchUp');
  private readonly timeoutMs: number;
  private readonly target: () => Promise<number | undefined>;

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = config.readYourWritesTimeoutMs;
    this.target = freshRead(() => this.lastProjectedUpToHead());
  }

  /** `find()`; when it finds nothing, once more after the projection reached the store's head. */
  async find<T>(find: () => T | null): Promise<T | null> {
    const found = find();
    if (found !== null) return found;
    await this.catchUp();
    return find();
  }

  /** Resolves once the local projection has applied every projected event the store held when called. */
  async catchUp(): Promise<void> {
    const target = await this.target();
    if (target === undefined) return;
    if (!(await this.runner.waitForPosition(target, this.timeoutMs))) {
      this.logger.warn(`projection did not reach the store head (position ${target}) within ${this.timeoutMs} ms`);
      throw new EventStoreUnavailableError(`the local read model is behind the event store (position ${target})`);
    }
  }

  /**
   * The position of the last event the projection handles at or before the
   * head; undefined when there is none past its checkpoint. The head may be
   * an event of another stream (a relay checkpoint) that it never applies.
   */
  private async lastProjectedUpToHead(): Promise<number | undefined> {
    const checkpoint = this.runner.position();
    const head = await this.store.headPosition();
    if (head <= checkpoint) return undefined;
    let last: number | undefined;
    for await (const event of this.store.readAll({ after: checkpoint, streamPrefixes: [...PROJECTED_STREAM_PREFIXES] })) {
      if (event.position > head) break;
      last = event.position;
    }
    return last;
  }
}
