import { Module } from '@nestjs/common';
import { RateLimits } from './rate-limits';

/** The service's rate limits (their headers are written by `http/rate-limit-headers.ts`). */
@Module({
  providers: [RateLimits],
  exports: [RateLimits],
})
export class RateLimitsModule {}
