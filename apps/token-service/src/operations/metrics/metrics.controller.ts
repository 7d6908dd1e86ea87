import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsTokenGuard } from './metrics-token.guard';

@Controller('metrics')
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
