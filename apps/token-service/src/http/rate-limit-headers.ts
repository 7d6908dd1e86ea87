import type { FastifyInstance } from 'fastify';
import { rateLimitHeaders, rateLimitOf } from '../rate-limits/rate-limiter';
import type { RateLimitDecision } from '../rate-limits/rate-limiter';

/** A handler's answer together with the rate-limit budget it spent. */
export class RateLimited<T> {
  constructor(
    readonly body: T,
    readonly rateLimit: RateLimitDecision | undefined,
  ) {}
}

/**
 * Writes X-RateLimit-Limit/Remaining/Reset (and Retry-After on a refusal) of
 * the decision a success carries (`RateLimited`), on the way out, and
 * answers with its body. A Fastify hook rather than a Nest interceptor: an
 * interceptor puts every request of the service through rxjs and an
 * `AsyncResource` bind (a `util.deprecate` on Node 20), a measurable share
 * of a `/delegation` answer (docs/benchmarks.md). The headers of a thrown
 * error are written with its answer (`errorRateLimitHeaders`, the exception filter).
 */
export function writeRateLimitHeaders(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    if (!(payload instanceof RateLimited)) return done(null, payload);
    if (payload.rateLimit) void reply.headers(rateLimitHeaders(payload.rateLimit));
    done(null, payload.body);
  });
}

/** The headers of the budget a thrown error's request spent (`afterSpending`, `tooManyRequests`); none when it spent none. */
export function errorRateLimitHeaders(error: unknown): Record<string, string> {
  const decision = rateLimitOf(error);
  return decision ? rateLimitHeaders(decision) : {};
}
