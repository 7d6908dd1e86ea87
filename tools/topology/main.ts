/**
 * `npm run topology`: docker-compose.yml's scale-out topology without Docker
 * (tools/topology/topology.ts): three replicas behind HAProxy, one relay, on
 * the EventStoreDB TEST DOUBLE (or EVENTSTORE_CONNECTION_STRING), the Kafka
 * broker of KAFKA_BROKERS (default 127.0.0.1:9092, e.g. `npm run kafka:start`)
 * and REDIS_URL (unset: a redis-server of its own on a free port). Ctrl-C stops it all.
 */
import { connect } from 'node:net';
import { EXIT_USAGE, parseCommandLine } from '@app/process';
import { startRedisServer, type RedisUnderTest } from '../support/redis-server';
import { startTopology } from './topology';

const USAGE = `usage: npm run topology

docker-compose.yml's scale-out topology without Docker, for trying it out: three
token-service replicas behind HAProxy, one standalone revocation relay, on the
EventStoreDB TEST DOUBLE (or EVENTSTORE_CONNECTION_STRING), the Kafka broker of
KAFKA_BROKERS (default 127.0.0.1:9092: start one with npm run kafka:start) and
REDIS_URL (unset: a redis-server of its own). It prints the proxy's URL and the
management client, then every line a replica or the relay logs, prefixed by
its name, and says when one of them dies. Its state (the double's log, each
replica's DATA_DIR) lives in temporary directories and goes away on exit (Ctrl-C).

options:
  --port N     the proxy's port, which is also the ISSUER's (default: a free one)

environment: KAFKA_BROKERS, REDIS_URL, EVENTSTORE_CONNECTION_STRING, LOG_LEVEL.`;

/** Whether something accepts a TCP connection at `host:port` within `timeoutMs`. */
function answers(address: string, timeoutMs = 2000): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('topology', USAGE, { args: process.argv.slice(2), options: { port: { type: 'string' } } });
  const proxyPort = values.port === undefined ? undefined : Number(values.port);
  if (proxyPort !== undefined && (!Number.isInteger(proxyPort) || proxyPort < 1 || proxyPort > 65535)) {
    process.stderr.write(`topology: --port must be a port number (1 to 65535), not "${values.port}"\n${USAGE}\n`);
    process.exit(EXIT_USAGE);
  }
  const kafkaBrokers = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
  const brokers = kafkaBrokers.split(',').map((b) => b.trim());
  if (!(await Promise.all(brokers.map((b) => answers(b)))).some(Boolean)) {
    throw new Error(`no Kafka broker answers at ${kafkaBrokers}: start one with \`npm run kafka:start\`, or set KAFKA_BROKERS to yours`);
  }
  let redis: RedisUnderTest | undefined;
  const redisUrl = process.env.REDIS_URL || (redis = await startRedisServer()).url;
  let stopping = false;
  const topology = await startTopology({
    kafkaBrokers,
    redisUrl,
    proxyPort,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    onLine: (name, line) => process.stdout.write(`[${name}] ${line}\n`),
  });
  for (const replica of topology.replicas) {
    void replica.process.exited.then((code) => {
      if (!stopping) process.stderr.write(`[${replica.name}] died (exit ${code ?? 'by a signal'}); the proxy sends its requests to the other replicas\n`);
    });
  }
  void topology.relay?.exited.then((code) => {
    if (!stopping) process.stderr.write(`[revocation-relay] died (exit ${code ?? 'by a signal'}); revocations wait in the log until a relay runs again\n`);
  });
  const lines = [
    `proxy (ISSUER)       ${topology.issuer}`,
    ...topology.replicas.map((r) => `${r.name.padEnd(20)} ${r.baseUrl} (DATA_DIR ${r.dataDir})`),
    `revocation-relay     pid ${topology.relay?.pid}`,
    `eventstoredb         ${topology.double ? 'TEST DOUBLE ' : ''}${topology.eventStoreConnectionString}`,
    `kafka                ${kafkaBrokers}`,
    `redis                ${redisUrl}`,
    `MANAGEMENT_CLIENT_ID=${topology.managementClientId}`,
    `MANAGEMENT_CLIENT_SECRET=${topology.managementClientSecret}`,
    'state: temporary (the test double\'s log, each DATA_DIR), removed on exit (Ctrl-C)',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = async (): Promise<void> => {
    stopping = true;
    await topology.stop();
    await redis?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`topology failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
