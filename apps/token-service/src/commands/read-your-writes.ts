import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProjectionRunner } from '@app/read-model';
import type { AppConfig } from '@app/config';
import { CONFIG } from '../infrastructure/tokens';

/**
 * Invariant 6: when a write returns, this node's read model already shows it
 * (so a revoked token is never accepted again by the node that answered 204).
 * Bounded: if the projection is stuck we answer anyway and log it; the event
 * is durable in the log, and the readiness probe reports the lag.
 */
@Injectable()
export class ReadYourWrites {
  private readonly logger = new Logger('ReadYourWrites');
  private readonly timeoutMs: number;

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = config.readYourWritesTimeoutMs;
  }

  /** Waits (bounded) until the local projection has applied `position`; nothing to wait for when undefined. */
  async waitFor(position: number | undefined): Promise<void> {
    if (position === undefined) return;
    const reached = await this.runner.waitForPosition(position, this.timeoutMs);
    if (!reached) this.logger.warn(`projection did not reach position ${position} within ${this.timeoutMs} ms`);
  }
}
