import type { ConsumerStatus } from '@app/event-store';

/**
 * How far this process's read model has got in the log, whoever writes it:
 * the ProjectionRunner (it projects) or a ReadModelFollower (a cluster worker
 * that reads the file another worker projects). The consistency services and
 * the health probe depend on this, never on either class.
 */
export interface ProjectionProgress {
  /** Resolves once the first catch-up reached the head (at once for a follower). */
  readonly caughtUp: Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** The last log position applied. */
  position(): number;
  /** Resolves true once `position` is applied, false after `timeoutMs` or on stop. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean>;
  status(): ConsumerStatus;
}
