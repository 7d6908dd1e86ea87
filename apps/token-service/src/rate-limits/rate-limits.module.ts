import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimitHeadersInterceptor } from '../http/rate-limit-headers.interceptor';
import { RateLimits } from './rate-limits';

/** The service's rate limits, and the one interceptor that writes their headers on every answer. */
@Module({
  providers: [RateLimits, { provide: APP_INTERCEPTOR, useClass: RateLimitHeadersInterceptor }],
  exports: [RateLimits],
})
export class RateLimitsModule {}
