import type { FastifyInstance } from 'fastify';
import { nameServerSpan, tracingActive } from '@app/tracing';

/**
 * Tracing on (OTEL_*): names each request's server span after its route
 * (`POST /oauth/token`, `GET /api/v2/clients/:id`) and sets `http.route`, as
 * the HTTP instrumentation sees only the method and the path. Off: no hook
 * is added at all.
 */
export function nameServerSpansByRoute(fastify: FastifyInstance): void {
  if (!tracingActive()) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined) nameServerSpan(request.method, route);
    done();
  });
}
