/**
 * The standalone revocation relay (architecture.md, scaled deployments):
 * event store → Kafka, checkpointed, at least once. token-service runs the
 * same relay in-process in the embedded default; run this instead when the
 * service is replicated (exactly one relay per log).
 *
 * Environment (read by @app/config, docs/configuration.md): DATA_DIR, EVENT_STORE,
 * EVENTSTORE_CONNECTION_STRING, EVENTSTORE_OPERATION_TIMEOUT_MS, KAFKA_BROKERS, KAFKA_REVOCATIONS_TOPIC,
 * ISSUER (DATA_DIR must exist: exit 78 otherwise), SIGNING_KEYS / SIGNING_KEYS_FILE (else DATA_DIR/keys: messages are signed
 * with the service's keys); plus LOG_LEVEL, RELAY_POLL_INTERVAL_MS (how often the SQLite log is
 * polled for another process's appends, default 50) and
 * RELAY_STATUS_INTERVAL_MS (how often lag is logged, default 30000, 0 = never); RELAY_LEASE_MS,
 * KAFKA_TOPIC_PARTITIONS, KAFKA_TOPIC_REPLICATION_FACTOR, KAFKA_TOPIC_RETENTION_MS,
 * RELAY_STATUS_FILE_INTERVAL_MS; the OTEL_* variables of traces (off by default, service name
 * refresh-token-relay).
 *
 * It also runs the verifiable log (docs/verifiable-log.md): the tree in
 * DATA_DIR/verifiable-log.sqlite and the signed checkpoints (CHECKPOINT_SIGNING_KEY
 * / _FILE, a key the replicas never read), filed in DATA_DIR/log-checkpoint.txt
 * and published to refresh-token.audit-checkpoints; signed only while holding the lease.
 *
 * On EventStoreDB the checkpoint and the lease live in a stream of the log
 * (several relays: one publishes, the others stand by); on SQLite in
 * DATA_DIR/relay.sqlite, alone by the DATA_DIR lock.
 */
import { join } from 'node:path';
import pino from 'pino';
import { type AppConfig, eventStoreConfig, loadConfig } from '@app/config';
import { type EventStoreConfig, openEventStore } from '@app/event-store';
import { wireRevocationRelay } from '@app/revocation-relay';
import { startSigningLog } from '@app/verifiable-log';
import { cryptoIds } from '@app/shared';
import { startTracing } from '@app/tracing';
import { claimDataDir, EXIT_REFUSED, existingDataDir, parseCommandLine, refusalLine, writePrivateFileAtomic } from '@app/process';
import { openRelaySigner } from './relay-signer';

const USAGE = `usage: npm run relay   (node dist/apps/revocation-relay/src/main.js)

The standalone revocation relay: publishes every revocation of the event store
to Kafka, at least once, each message signed with the service's keys. Run
exactly one beside token-service replicas that run with EMBEDDED_RELAY=false.
It also signs the verifiable log's checkpoints (the replicas serve them).
It takes no options: it reads the service's environment (DATA_DIR, which must
exist, EVENT_STORE, EVENTSTORE_CONNECTION_STRING, KAFKA_BROKERS,
KAFKA_REVOCATIONS_TOPIC, SIGNING_KEYS or SIGNING_KEYS_FILE, ISSUER,
CHECKPOINT_SIGNING_KEY or CHECKPOINT_SIGNING_KEY_FILE, RELAY_*; see
docs/configuration.md).

Exit codes: 0 stopped on SIGTERM/SIGINT; ${EXIT_REFUSED} refused to start (one line on
stderr names what to change); 1 any other failure.`;

/** Read by the container's healthcheck: rewritten every few seconds while the process runs, whether it publishes or stands by. */
const RELAY_STATUS_FILE = 'relay-status.json';

/** The log token-service writes; on SQLite, polled for its appends. */
function relayEventStoreConfig(config: AppConfig): EventStoreConfig {
  const store = eventStoreConfig(config);
  return store.kind === 'sqlite' ? { ...store, pollIntervalMs: config.relayPollIntervalMs } : store;
}

async function main(): Promise<void> {
  parseCommandLine('revocation-relay', USAGE, { args: process.argv.slice(2), options: {} });
  const config = loadConfig(process.env);
  const logger = pino({ name: 'revocation-relay', level: config.logLevel });
  // Traces (OTEL_*, off by default: nothing loaded): the Kafka sends; the relay serves no HTTP to instrument.
  const tracing = await startTracing(config.tracing, {
    defaultServiceName: 'refresh-token-relay',
    instrumentHttp: false,
    warn: (message) => logger.warn({ component: 'tracing' }, message),
  });
  // The relay's checkpoint (and the embedded log) live in the service's DATA_DIR: a typo must not start from position 0.
  const dataDir = existingDataDir(config.dataDir);
  // DATA_DIR 0700, one relay per DATA_DIR (its checkpoint): a second one refuses to start and names the first.
  const lock = claimDataDir(dataDir, 'revocation-relay', logger);
  const signing = await openRelaySigner(config, dataDir, logger);
  const store = await openEventStore(relayEventStoreConfig(config), { onWaiting: (message, attempt) => logger.warn({ attempt }, message) });
  const handle = wireRevocationRelay({ ...config, dataDir, store, logger, ids: cryptoIds, signer: signing.signer });
  await handle.relay.start();
  // The verifiable log signs here, the replicas only follow: one signer, the relay holding the lease (alone on SQLite).
  const verifiableLog = startSigningLog(config, store, logger, () => handle.relay.status().lease?.held ?? true);
  logger.info({ dataDir, topic: handle.relay.topic, status: handle.relay.status() }, 'revocation relay started');

  const statusEveryMs = config.relayStatusIntervalMs;
  const statusTimer =
    statusEveryMs > 0
      ? setInterval(() => {
          handle.relay
            .lag()
            .then((lag) => logger.info({ lag, ...handle.relay.status() }, 'revocation relay status'))
            .catch((err: unknown) => logger.warn({ err }, 'cannot read relay lag'));
        }, statusEveryMs)
      : undefined;

  const statusFile = join(dataDir, RELAY_STATUS_FILE);
  const writeStatus = (): void => {
    writePrivateFileAtomic(statusFile, JSON.stringify({ pid: process.pid, at: new Date().toISOString(), ...handle.relay.status() })).catch((err: unknown) =>
      logger.warn({ err }, 'cannot write the relay status file'),
    );
  };
  writeStatus();
  const statusFileTimer = setInterval(writeStatus, config.relayStatusFileIntervalMs);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the revocation relay');
    clearInterval(statusTimer);
    clearInterval(statusFileTimer);
    signing.close();
    // Finish the send in flight and save its checkpoint, then close; whatever is left is replayed on the next start.
    handle
      .close()
      .then(() => verifiableLog.stop())
      .then(() => store.close())
      .then(() => lock.release())
      // Spans that cannot be exported are lost, not a reason to exit 1 (the SDK warned about them).
      .then(() => tracing?.shutdown().catch(() => undefined))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'unclean shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  const refusal = refusalLine(err);
  if (refusal !== undefined) {
    process.stderr.write(`revocation-relay refused to start: ${refusal}\n`);
    process.exit(EXIT_REFUSED);
  }
  process.stderr.write(`revocation-relay failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
