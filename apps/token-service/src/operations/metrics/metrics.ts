import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Inject, Injectable } from '@nestjs/common';
import { ReadModelProjection } from '@app/read-model';
import type { EventStore } from '@app/event-store';
import type { RevocationRelayHandle } from '@app/revocation-relay';
import { cachedRead, HEAD_CACHE_MS } from '../health/cached-read';
import type { ServedLog } from '@app/verifiable-log';
import { EVENT_STORE, REVOCATION_RELAY, VERIFIABLE_LOG } from '../../infrastructure/tokens';

/** Prometheus metrics of one process (F13). Gauges are read at scrape time. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Families this process revoked because a spent secret came back (reason `reuse_detected`). */
  readonly refreshTokenReuseDetected: Counter;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    projection: ReadModelProjection,
    @Inject(REVOCATION_RELAY) relay: RevocationRelayHandle | undefined,
    @Inject(VERIFIABLE_LOG) verifiableLog: ServedLog | undefined,
  ) {
    // A scrape reads the head (and the relay lag) at most once per HEAD_CACHE_MS, however often it comes.
    const head = cachedRead(HEAD_CACHE_MS, () => store.headPosition());
    const relayLag = relay ? cachedRead(HEAD_CACHE_MS, () => relay.relay.lag()) : undefined;
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.refreshTokenReuseDetected = new Counter({
      name: 'refresh_token_reuse_detected_total',
      help: 'Refresh-token families revoked by this process because a spent secret was presented outside the overlap window',
      registers: [this.registry],
    });
    new Gauge({
      name: 'projection_position',
      help: 'Last log position applied to the read model',
      registers: [this.registry],
      collect() {
        this.set(projection.position());
      },
    });
    new Gauge({
      name: 'projection_lag',
      help: 'Log positions between the head of the event store and the read model',
      registers: [this.registry],
      async collect() {
        const position = await head().catch(() => undefined);
        if (position !== undefined) this.set(Math.max(0, position - projection.position()));
      },
    });
    if (verifiableLog) {
      new Gauge({
        name: 'verifiable_log_inconsistent',
        help: '1 when the log no longer extends the last signed checkpoint (signing stopped), else 0',
        registers: [this.registry],
        collect() {
          this.set(verifiableLog.checkpoints.status.state === 'log_inconsistent' ? 1 : 0);
        },
      });
      new Gauge({
        name: 'verifiable_log_tree_size',
        help: 'Leaves (events) in the verifiable log tree',
        registers: [this.registry],
        collect() {
          this.set(verifiableLog.tree.size);
        },
      });
    }
    if (relay) {
      new Gauge({
        name: 'revocation_relay_lag',
        help: 'Log positions between the head and the last revocation Kafka acknowledged',
        registers: [this.registry],
        async collect() {
          const lag = await relayLag!().catch(() => undefined);
          if (lag !== undefined) this.set(lag);
        },
      });
      new Gauge({
        name: 'revocation_relay_published',
        help: 'Revocation messages Kafka acknowledged since start',
        registers: [this.registry],
        collect() {
          this.set(relay.relay.status().published);
        },
      });
    }
  }
}
