import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { catchError, map, type Observable } from 'rxjs';
import { rateLimitHeaders, rateLimitOf, type RateLimitDecision } from '../rate-limits/rate-limiter';

/** A handler's answer together with the rate-limit budget it spent. */
export class RateLimited<T> {
  constructor(
    readonly body: T,
    readonly rateLimit: RateLimitDecision | undefined,
  ) {}
}

/**
 * The one place rate-limit headers are written: from the decision a success
 * (`RateLimited`) or a thrown error (`afterSpending`, `tooManyRequests`)
 * carries, on whatever answer goes out (X-RateLimit-Limit/Remaining/Reset,
 * and Retry-After on a refusal).
 */
@Injectable()
export class RateLimitHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const write = (decision: RateLimitDecision | undefined): void => {
      if (decision) void reply.headers(rateLimitHeaders(decision));
    };
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof RateLimited)) return result;
        write(result.rateLimit);
        return result.body as unknown;
      }),
      catchError((error: unknown) => {
        write(rateLimitOf(error));
        throw error;
      }),
    );
  }
}
