import 'reflect-metadata';
import type { Logger } from 'pino';
import { loadConfig } from '@app/config';
import { EXIT_REFUSED, parseCommandLine, refusalLine } from '@app/process';
import { startTracing } from '@app/tracing';
import { LOGGER } from './infrastructure/tokens';
import { createRootLogger } from './infrastructure/logger';
import { runPrimary, workerRole } from './cluster/primary';

const USAGE = `usage: npm start   (node dist/apps/token-service/src/main.js)

The token service: HTTP on HOST:PORT (default 127.0.0.1:3000), its state in
DATA_DIR (default ./data). It takes no options: it is configured by environment
variables only (PORT, ISSUER, DATA_DIR, EVENT_STORE, ...; see docs/configuration.md).

Exit codes: 0 stopped on SIGTERM/SIGINT; ${EXIT_REFUSED} refused to start (one line on
stderr names the variable or file to change; restarting as is fails the same way);
1 any other failure.`;

/** `npm start`: token-service on the configured event store (embedded SQLite by default); WORKERS > 1: a cluster of them. */
async function main(): Promise<void> {
  parseCommandLine('token-service', USAGE, { args: process.argv.slice(2), options: {} });
  const config = loadConfig();
  const role = workerRole();
  if (config.workers > 1 && role === 'single') return runPrimary(config);
  // Traces (OTEL_*, off by default) start before the app is loaded: the HTTP instrumentation patches `http` before Fastify requires it.
  let tracingLog: Logger | undefined;
  const tracing = await startTracing(config.tracing, {
    defaultServiceName: 'refresh-token-service',
    instrumentHttp: true,
    untracedPaths: ['/health/', '/metrics'],
    warn: (message) => (tracingLog ??= createRootLogger(config.logLevel).child({ component: 'tracing' })).warn(message),
  });
  const { createTokenService } = await import('./app.factory');
  const service = await createTokenService(config, role);
  const logger = service.get(LOGGER);
  await service.app.listen({ port: config.port, host: config.host });
  const address = service.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, issuer: config.issuer, eventStore: config.eventStore }, 'token-service listening');
  // The bound address is not the URL to call: tokens name ISSUER, and the management API only takes tokens for ${ISSUER}api/v2/.
  process.stdout.write(`token-service listening on ${config.host}:${port}; call it at ${config.issuer} (ISSUER; management API ${config.managementAudience}, event store ${config.eventStore})\n`);

  // Graceful shutdown: stop accepting, finish in-flight requests, let the relay flush, close the stores, export the last spans.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 15_000).unref();
      service
        .close()
        // Spans that cannot be exported are lost, not a reason to exit 1 (the SDK warned about them).
        .then(() => tracing?.shutdown().catch(() => undefined))
        .then(() => {
          clearTimeout(force);
          process.exit(0);
        })
        .catch(() => process.exit(1));
    });
  }
}

main().catch((error: unknown) => {
  const refusal = refusalLine(error);
  if (refusal !== undefined) {
    process.stderr.write(`token-service refused to start: ${refusal}\n`);
    process.exit(EXIT_REFUSED);
  }
  process.stderr.write(`token-service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
