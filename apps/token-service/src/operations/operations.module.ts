import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DiscoveryController } from './discovery/discovery.controller';
import { HealthController } from './health/health.controller';
import { Metrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';

/** What operators and relying parties read: health probes, Prometheus metrics, OpenID discovery and JWKS. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
  controllers: [DiscoveryController, HealthController, MetricsController],
  providers: [Metrics],
  exports: [Metrics],
})
export class OperationsModule {}
