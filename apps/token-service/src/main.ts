import 'reflect-metadata';
import { createTokenService } from './app.factory';
import { BootstrapRefusedError } from './management/bootstrap/management-client-bootstrap';
import { ConfigError, loadConfig } from '@app/config';
import { LOGGER } from './infrastructure/tokens';
import { EXIT_CONFIG, runPrimary, workerRole } from './cluster/primary';

/** `npm start`: token-service on the configured event store (embedded SQLite by default); WORKERS > 1: a cluster of them. */
async function main(): Promise<void> {
  const config = loadConfig();
  const role = workerRole();
  if (config.workers > 1 && role === 'single') return runPrimary(config);
  const service = await createTokenService(config, role);
  const logger = service.get(LOGGER);
  await service.app.listen({ port: config.port, host: config.host });
  const address = service.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, issuer: config.issuer, eventStore: config.eventStore }, 'token-service listening');
  process.stdout.write(`token-service listening on http://${config.host}:${port} (issuer ${config.issuer}, event store ${config.eventStore})\n`);

  // Graceful shutdown: stop accepting, finish in-flight requests, let the relay flush, close the stores.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 15_000).unref();
      service
        .close()
        .then(() => {
          clearTimeout(force);
          process.exit(0);
        })
        .catch(() => process.exit(1));
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof BootstrapRefusedError) {
    process.stderr.write(`token-service refused to start: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  // A bad setting is the operator's to fix: the message names the variable; a stack trace would bury it.
  if (error instanceof ConfigError) {
    process.stderr.write(`token-service failed to start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`token-service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
