import { NestFactory } from '@nestjs/core';
import type { Abstract } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { AppConfig } from '@app/config';
import { fastifyErrorOptions, refuseNonJsonManagementBodies } from './errors/fastify-errors';
import { InfrastructureModule, type OpenedInfrastructure, type ProcessRole } from './infrastructure/infrastructure.module';
import { PinoNestLogger } from './infrastructure/nest-logger';
import { requestLogger } from './infrastructure/request-log';
import { writeRateLimitHeaders } from './http/rate-limit-headers';
import type { Token } from './infrastructure/tokens';
import { ManagementClientBootstrap } from './management/bootstrap/management-client-bootstrap';
import { Metrics } from './operations/metrics/metrics';
import { nameServerSpansByRoute } from './operations/tracing/route-span-names';
import { ClientDeletionCascade } from './revocation/client-deletion-cascade';

export interface TokenServiceApp {
  app: NestFastifyApplication;
  /** One provider of the running service, by its token or class (tests read the store, keys, read model). */
  get<T>(token: Token<T> | Abstract<T>): T;
  /** Stops HTTP, then the relay, then the projection and stores (graceful shutdown). */
  close(): Promise<void>;
}

/** Builds the whole service; `main.ts` listens on it, e2e tests too. A follower worker leaves start-up duties to the projector. */
export async function createTokenService(config: AppConfig, role: ProcessRole = 'single'): Promise<TokenServiceApp> {
  const infrastructure = await InfrastructureModule.open(config, role);
  let app: NestFastifyApplication | undefined;
  try {
    app = await createApp(config, infrastructure);
    if (role !== 'follower') {
      await app.get(ClientDeletionCascade).resumePending();
      await app.get(ManagementClientBootstrap).run();
    }
  } catch (error) {
    await app?.close();
    await infrastructure.close();
    throw error;
  }
  const started = app;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await started.close();
      await infrastructure.close();
    })());
  return { app: started, get: (token) => started.get(token), close };
}

async function createApp(config: AppConfig, infrastructure: OpenedInfrastructure): Promise<NestFastifyApplication> {
  const { logger } = infrastructure;
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // Proxies set X-Forwarded-For; trust only the hops named (rate limits key on the client IP).
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // A body that never arrives or trickles in is cut: Node answers 408 past requestTimeout.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: httpServerTimeouts(config.requestTimeoutMs),
    // Our own handlers answer 404 in the contract's shape.
    return503OnClosing: true,
    ...fastifyErrorOptions(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(infrastructure.module), adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  const metrics = app.get(Metrics);
  const fastify = app.getHttpAdapter().getInstance();
  refuseNonJsonManagementBodies(fastify);
  nameServerSpansByRoute(fastify);
  writeRateLimitHeaders(fastify);
  const requestLog = requestLogger(logger, config);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    requestLog(request, reply, route);
    done();
  });

  await app.init();
  return app;
}

/**
 * A hop count as proxy-addr means it (trust the nearest `n` hops): fastify
 * 5.12 stopped honouring a bare number (it now trusts none), so TRUST_PROXY=1
 * is passed as the function that number always stood for.
 */
function fastifyTrustProxy(trustProxy: AppConfig['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof trustProxy === 'number' ? (_address, hop) => hop < trustProxy : trustProxy;
}

/**
 * Node checks request deadlines only every `connectionsCheckingInterval`
 * (30 s by default), so a 30 s requestTimeout could hold a socket for a
 * minute; check at a quarter of the deadline (at most every second). The
 * headers deadline must not exceed the request one.
 */
function httpServerTimeouts(requestTimeoutMs: number): { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number } {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
  };
}
