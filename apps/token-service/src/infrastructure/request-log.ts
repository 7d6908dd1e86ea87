import type { AppConfig } from '@app/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/**
 * The per-request log: a line per request only when asked (LOG_REQUESTS),
 * since building and redacting it costs about 6 % of the hot path; answers
 * of 500 and above and slow requests are logged whatever it says. Never the
 * body or the Authorization header (invariant 2).
 */
export function requestLogger(logger: Logger, config: Pick<AppConfig, 'logRequests' | 'slowRequestMs'>): (request: FastifyRequest, reply: FastifyReply, route: string) => void {
  const { logRequests, slowRequestMs } = config;
  return (request, reply, route) => {
    const ms = reply.elapsedTime;
    const failed = reply.statusCode >= 500;
    const slow = slowRequestMs > 0 && ms >= slowRequestMs;
    if (!logRequests && !failed && !slow) return;
    const line = { req: { id: request.id, method: request.method, route, ip: request.ip }, res: { statusCode: reply.statusCode }, ms: Math.round(ms) };
    if (failed) logger.error(line, 'request failed');
    else if (slow) logger.warn(line, 'slow request');
    else logger.info(line, 'request');
  };
}
