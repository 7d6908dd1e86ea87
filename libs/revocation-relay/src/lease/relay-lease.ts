import { CodedError } from '@app/shared';

/**
 * Who may publish revocations now (architecture.md invariant 9: one relay
 * publishes at a time). A relay publishes only while `isHeld()`; a stand-by
 * calls `tryAcquire()` until it wins.
 */
export interface RelayLease {
  /** This candidate's id (random per process), in log lines and in the lease record. */
  readonly holder: string;
  /** Lease length: a holder that cannot renew for this long stops publishing; a stand-by waits this long before taking over. */
  readonly leaseMs: number;
  /** Takes the lease when nobody holds it or its holder stopped renewing, renews it when ours. True when held afterwards. */
  tryAcquire(): Promise<boolean>;
  /** Whether this process may still publish: held, and renewed less than `leaseMs` (minus a margin) ago, by its own clock. */
  isHeld(): boolean;
  /** Hands the lease over at a clean stop, so a stand-by need not wait for expiry. Best effort. */
  release(): Promise<void>;
}

export type RelayLeaseErrorCode = 'RELAY_LEASE_LOST';

/** The lease was taken over (or expired) while this relay held it: it must stop publishing. */
export class RelayLeaseLostError extends CodedError<RelayLeaseErrorCode> {
  readonly code = 'RELAY_LEASE_LOST' as const;
}
