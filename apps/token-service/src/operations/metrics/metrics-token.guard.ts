import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '@app/signing';
import { unauthorized } from '../../errors/management-error';
import { METRICS_TOKEN } from '../../infrastructure/tokens';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * METRICS_TOKEN set: `/metrics` answers only `Authorization: Bearer <token>`
 * (Prometheus `authorization.credentials`), compared in constant time over
 * digests so neither the content nor the length leaks. Unset: open, as before.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(METRICS_TOKEN) metricsToken: string | undefined) {
    this.expected = metricsToken === undefined ? undefined : digest(metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const presented = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (presented === undefined || !timingSafeEqual(digest(presented), this.expected)) {
      throw unauthorized('The metrics need the METRICS_TOKEN bearer token');
    }
    return true;
  }
}
