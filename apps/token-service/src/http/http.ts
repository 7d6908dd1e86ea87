import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id (X-Correlation-Id or X-Request-Id) when well-formed, else a new one. */
export function correlationIdOf(request: FastifyRequest): string {
  for (const name of ['x-correlation-id', 'x-request-id']) {
    const value = request.headers[name];
    if (typeof value === 'string' && ID_PATTERN.test(value)) return value;
  }
  return randomUUID();
}

/** RFC 6749 §5.1: token responses MUST NOT be cached. */
export function noStore(reply: FastifyReply): void {
  void reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
}
