import { performance } from 'node:perf_hooks';
import { Mutex } from 'async-mutex';
import { ConcurrencyError, type EventStore } from '@app/event-store';
import { cryptoIds, type IdGenerator } from '@app/shared';
import type { CheckpointStore } from '../checkpoint-store';
import { RelayLeaseLostError, type RelayLease } from './relay-lease';

/** The event of the lease stream: who holds it, for how long, and the checkpoint it vouches for. */
export const RELAY_LEASE_EVENT = 'RevocationRelayLease';

/** The lease stream of a topic's relays, on the log they relay (a topic per stream: two relays may feed two topics). */
export const relayLeaseStream = (topic: string): string => `revocationRelay-${topic}`;

interface LeaseRecord {
  /** `null` once released. */
  holder: string | null;
  leaseMs: number;
  /** Every revocation up to this log position was acknowledged by Kafka. */
  checkpoint: number | null;
}

export interface LogRelayLeaseOptions {
  store: EventStore;
  /** Default `relayLeaseStream(topic)` is the caller's choice; one stream per relayed topic. */
  streamId: string;
  /** Default 15 s. */
  leaseMs?: number;
  /** Default a random UUID: a restarted relay is a new candidate. */
  holder?: string;
  /** Makes the holder's UUID and the lease events' ids; default the CSPRNG's. */
  ids?: IdGenerator;
  /** Monotonic milliseconds; tests may pass their own. */
  now?: () => number;
}

/**
 * The relay's lease and checkpoint as one stream on the log it relays
 * (EventStoreDB: survives the container, shared by every candidate). Every
 * write appends a `RevocationRelayLease` event with the expected revision of
 * the last one this holder wrote, so two relays can never both advance it:
 * the fence is the stream revision.
 *
 * No wall clock is compared across hosts. The holder counts its lease from
 * the moment it *sent* its last successful write and stops publishing a
 * quarter of a lease before it ends; a stand-by takes over only after the
 * stream's revision stayed unchanged for a whole lease since it *saw* it
 * (necessarily after the write was sent). So the old holder has stopped
 * before the new one starts, whatever the clocks say; only a Kafka send
 * already in flight at that moment may land afterwards (a duplicate, which
 * consumers drop by `ce_id`, never a loss).
 *
 * Writes are serialized (renewals and checkpoint saves would otherwise race
 * each other on one expected revision).
 */
export class LogRelayLease implements RelayLease, CheckpointStore {
  readonly holder: string;
  readonly leaseMs: number;
  private readonly store: EventStore;
  private readonly streamId: string;
  private readonly now: () => number;
  private readonly ids: IdGenerator;
  private readonly writes = new Mutex();
  /** Revision of our last write while we hold the lease. */
  private ownRevision: number | undefined;
  private heldUntil = 0;
  private checkpoint: number | null = null;
  /** Stand-by: the revision last seen, and when (our clock) it was first seen. */
  private observed: { revision: number; since: number } | undefined;

  constructor(options: LogRelayLeaseOptions) {
    this.store = options.store;
    this.streamId = options.streamId;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.ids = options.ids ?? cryptoIds;
    this.holder = options.holder ?? this.ids.uuid();
    this.now = options.now ?? (() => performance.now());
  }

  isHeld(): boolean {
    return this.ownRevision !== undefined && this.now() < this.heldUntil - this.leaseMs / 4;
  }

  async tryAcquire(): Promise<boolean> {
    return this.writes.runExclusive(async () => {
      if (this.ownRevision !== undefined) return this.write(this.ownRevision, this.checkpoint);
      const last = await this.store.readLastEvent(this.streamId);
      const revision = last?.revision ?? -1;
      const record = last?.data as LeaseRecord | undefined;
      const free = !record || record.holder === null || record.holder === this.holder;
      if (this.observed?.revision !== revision) this.observed = { revision, since: this.now() };
      const expired = this.now() - this.observed.since >= (record?.leaseMs ?? 0);
      if (!free && !expired) return false;
      return this.write(revision, record?.checkpoint ?? null);
    });
  }

  async release(): Promise<void> {
    await this.writes.runExclusive(async () => {
      if (this.ownRevision === undefined) return;
      const revision = this.ownRevision;
      this.ownRevision = undefined;
      await this.append({ holder: null, leaseMs: this.leaseMs, checkpoint: this.checkpoint }, revision).catch(() => undefined);
    });
  }

  /** The checkpoint the last holder vouched for (one read of the stream's end). */
  async load(): Promise<number | undefined> {
    const last = await this.store.readLastEvent(this.streamId);
    const checkpoint = (last?.data as LeaseRecord | undefined)?.checkpoint ?? null;
    if (this.ownRevision !== undefined && checkpoint !== null) this.checkpoint = Math.max(this.checkpoint ?? 0, checkpoint);
    return checkpoint ?? undefined;
  }

  /** Saves (and renews) only while held; a lease taken over meanwhile fails with RelayLeaseLostError. */
  async save(_name: string, position: number): Promise<void> {
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`invalid checkpoint position ${position}`);
    await this.writes.runExclusive(async () => {
      if (this.ownRevision === undefined || !this.isHeld()) throw new RelayLeaseLostError(`relay ${this.holder} does not hold the lease on ${this.streamId}`);
      const next = Math.max(position, this.checkpoint ?? position);
      if (!(await this.write(this.ownRevision, next))) throw new RelayLeaseLostError(`relay ${this.holder} lost the lease on ${this.streamId} to another relay`);
    });
  }

  /** Appends our record at `expected`; false (and not held) when another write came first. */
  private async write(expected: number, checkpoint: number | null): Promise<boolean> {
    const sentAt = this.now();
    try {
      this.ownRevision = await this.append({ holder: this.holder, leaseMs: this.leaseMs, checkpoint }, expected);
      this.heldUntil = sentAt + this.leaseMs;
      this.checkpoint = checkpoint;
      return true;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      this.ownRevision = undefined;
      this.observed = undefined;
      return false;
    }
  }

  private async append(record: LeaseRecord, expected: number): Promise<number> {
    const result = await this.store.appendToStream(
      this.streamId,
      [{ id: this.ids.uuid(), type: RELAY_LEASE_EVENT, data: { ...record }, metadata: { actor: `relay:${this.holder}`, occurredAt: new Date().toISOString() } }],
      { expectedRevision: expected < 0 ? 'no_stream' : expected },
    );
    return result.nextExpectedRevision;
  }
}
