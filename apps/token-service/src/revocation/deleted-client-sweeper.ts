import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CLIENT_DELETION_SWEEP_MS, LOGGER } from '../infrastructure/tokens';
import { ClientDeletionCascade } from './client-deletion-cascade';

/**
 * The client-deletion race across replicas: replica C may issue a token for
 * a client that replica A is deleting, after A's cascade listed the client's
 * tokens. C's issue handler revokes it itself once its projection shows the
 * deletion; this sweep is the backstop when C died or timed out in between.
 * Every CLIENT_DELETION_SWEEP_MS each replica revokes the still valid tokens
 * of deleted clients its read model shows. Replicas may race on one token:
 * the decider judges (an already revoked token yields no second event).
 */
@Injectable()
export class DeletedClientSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly cascade: ClientDeletionCascade,
    @Inject(CLIENT_DELETION_SWEEP_MS) private readonly every: number,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.every === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.cascade
        .resumePending()
        .catch((error: unknown) => this.logger.warn({ error: String(error) }, 'client-deletion sweep failed; retrying at the next one'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
