/**
 * `npm run topology`: docker-compose.yml's scale-out topology without Docker
 * (tools/topology/topology.ts): three replicas behind HAProxy, one relay, on
 * the EventStoreDB TEST DOUBLE (or EVENTSTORE_CONNECTION_STRING), the Kafka
 * broker of KAFKA_BROKERS (default 127.0.0.1:9092, e.g. `npm run kafka:start`)
 * and REDIS_URL (unset: a redis-server of its own on a free port). Ctrl-C stops it all.
 */
import { parseCommandLine } from '@app/shared';
import { startRedisServer, type RedisUnderTest } from '../../test/support/redis-server';
import { startTopology } from './topology';

const USAGE = `usage: npm run topology

docker-compose.yml's scale-out topology without Docker, for trying it out: three
token-service replicas behind HAProxy, one standalone revocation relay, on the
EventStoreDB TEST DOUBLE (or EVENTSTORE_CONNECTION_STRING), the Kafka broker of
KAFKA_BROKERS (default 127.0.0.1:9092: start one with npm run kafka:start) and
REDIS_URL (unset: a redis-server of its own). It prints the proxy's URL and the
management client. Its state (the double's log, each replica's DATA_DIR) lives
in temporary directories and goes away on exit (Ctrl-C).

environment: KAFKA_BROKERS, REDIS_URL, EVENTSTORE_CONNECTION_STRING, LOG_LEVEL.`;

async function main(): Promise<void> {
  parseCommandLine('topology', USAGE, { args: process.argv.slice(2), options: {} });
  const kafkaBrokers = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
  let redis: RedisUnderTest | undefined;
  const redisUrl = process.env.REDIS_URL || (redis = await startRedisServer()).url;
  const topology = await startTopology({ kafkaBrokers, redisUrl, logLevel: process.env.LOG_LEVEL ?? 'info' });
  const lines = [
    `proxy (ISSUER)       ${topology.issuer}`,
    ...topology.replicas.map((r) => `${r.name.padEnd(20)} ${r.baseUrl} (DATA_DIR ${r.dataDir})`),
    `revocation-relay     pid ${topology.relay?.pid}`,
    `eventstoredb         ${topology.double ? 'TEST DOUBLE ' : ''}${topology.eventStoreConnectionString}`,
    `kafka                ${kafkaBrokers}`,
    `redis                ${redisUrl}`,
    `MANAGEMENT_CLIENT_ID=${topology.managementClientId}`,
    `MANAGEMENT_CLIENT_SECRET=${topology.managementClientSecret}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = async (): Promise<void> => {
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
