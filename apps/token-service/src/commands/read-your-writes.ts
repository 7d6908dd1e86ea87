import { Logger } from '@nestjs/common';
import type { Runtime } from '../infrastructure/runtime';

const logger = new Logger('ReadYourWrites');

/**
 * Invariant 6: when a write returns, this node's read model already shows it
 * (so a revoked token is never accepted again by the node that answered 204).
 * Bounded: if the projection is stuck we answer anyway and log it; the event
 * is durable in the log, and the readiness probe reports the lag.
 */
export async function awaitProjection(runtime: Runtime, position: number | undefined): Promise<void> {
  if (position === undefined) return;
  const reached = await runtime.runner.waitForPosition(position, runtime.config.readYourWritesTimeoutMs);
  if (!reached) logger.warn(`projection did not reach position ${position} within ${runtime.config.readYourWritesTimeoutMs} ms`);
}
