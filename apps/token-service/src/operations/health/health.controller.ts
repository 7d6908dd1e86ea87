import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { ProjectionProgress } from '@app/read-model';
import type { EventStore } from '@app/event-store';
import type { RevocationRelayHandle } from '@app/revocation-relay';
import type { AppConfig } from '@app/config';
import type { ServedLog } from '@app/verifiable-log';
import { EVENT_STORE, EVENT_STORE_KIND, PROJECTION_PROGRESS, REVOCATION_RELAY, VERIFIABLE_LOG } from '../../infrastructure/tokens';
import { cachedRead, HEAD_CACHE_MS } from './cached-read';

const STORE_TIMEOUT_MS = 2_000;

@Controller('health')
export class HealthController {
  /** Probes come every few seconds per orchestrator, and in bursts: one head read (and relay lag) per HEAD_CACHE_MS. */
  private readonly cachedHead: () => Promise<number>;
  private readonly cachedRelayLag: (() => Promise<number>) | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly runner: ProjectionProgress,
    @Inject(REVOCATION_RELAY) private readonly relay: RevocationRelayHandle | undefined,
    @Inject(EVENT_STORE_KIND) private readonly eventStoreKind: AppConfig['eventStore'],
    @Inject(VERIFIABLE_LOG) private readonly verifiableLog: ServedLog | undefined,
  ) {
    this.cachedHead = cachedRead(HEAD_CACHE_MS, () => this.head());
    this.cachedRelayLag = relay ? cachedRead(HEAD_CACHE_MS, () => relay.relay.lag()) : undefined;
  }

  /** Liveness: the process answers. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Readiness: the event store answers and the projection has caught up and
   * follows the log live. Lag is reported, not judged: it is in log positions,
   * which EventStoreDB counts in bytes, so no one threshold fits both stores.
   * Kafka is reported but never makes the node unready: revocations wait in
   * the log, and delegation must keep working (invariant 8). The head is read
   * at most once per HEAD_CACHE_MS and shared by the indicators.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    const head = this.cachedHead();
    head.catch(() => undefined); // each indicator handles the failure; none may go unhandled
    return this.health.check([() => this.eventStore(head), () => this.projection(head), () => this.kafka(), () => this.logConsistency()]);
  }

  private async head(): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.store.headPosition(),
        new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), STORE_TIMEOUT_MS))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async eventStore(head: Promise<number>) {
    const indicator = this.indicators.check('event_store');
    try {
      return indicator.up({ kind: this.eventStoreKind, head: await head });
    } catch (error) {
      return indicator.down({ kind: this.eventStoreKind, message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async projection(head: Promise<number>) {
    const indicator = this.indicators.check('projection');
    const status = this.runner.status();
    const position = await head.catch(() => undefined);
    const lag = position === undefined ? undefined : Math.max(0, position - status.position);
    const data = { state: status.state, position: status.position, lag: lag ?? null, failures: status.failures };
    return status.caughtUp && status.state === 'live' ? indicator.up(data) : indicator.down(data);
  }

  /** The log no longer extends the last signed checkpoint: a rewrite at the source, never served as ready. */
  private logConsistency() {
    const indicator = this.indicators.check('verifiable_log');
    if (!this.verifiableLog) return indicator.up({ state: 'external' });
    const { state, size } = this.verifiableLog.checkpoints.status;
    return state === 'log_inconsistent' ? indicator.down({ state, last_signed_size: size ?? null }) : indicator.up({ state, last_signed_size: size ?? null });
  }

  private async kafka() {
    const indicator = this.indicators.check('revocation_relay');
    if (!this.relay) return indicator.up({ state: 'external' });
    const status = this.relay.relay.status();
    const lag = await this.cachedRelayLag!().catch(() => null);
    return indicator.up({ state: status.state, published: status.published, lag, last_error: status.lastError ?? null });
  }
}
