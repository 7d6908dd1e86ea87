/**
 * The scale-out topology of docker-compose.yml, without Docker: three
 * token-service replicas (the real entry point, each a child process with its
 * own DATA_DIR and read model) behind HAProxy (Debian's, with compose's
 * tools/topology/haproxy.cfg), one standalone revocation relay, on one
 * EventStoreDB, one Kafka broker and one Redis; the replicas share signing
 * keys, data key, issuer (the proxy's URL) and management client.
 *
 * EventStoreDB is the in-repo TEST DOUBLE (tools/eventstoredb-double) unless
 * EVENTSTORE_CONNECTION_STRING names a real server. The three-replica suite
 * (test/replicas) and `npm run topology` both start it through this module,
 * so what the tests run is what the script runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../eventstoredb-double/eventstoredb-double';
import { EntryProcess } from '../support/entry-process';
import { freePort } from '../support/free-port';
import { sharedSigningKeys } from './signing-keys';

/** The service names of docker-compose.yml this topology runs (checked by topology.int.spec.ts). */
export const TOPOLOGY_SERVICES = {
  replicas: ['token-service-a', 'token-service-b', 'token-service-c'],
  proxy: 'proxy',
  relay: 'revocation-relay',
  eventStore: 'eventstoredb',
  kafka: 'kafka',
  redis: 'redis',
} as const;

const HAPROXY_CONFIG = join(__dirname, 'haproxy.cfg');

export interface TopologyOptions {
  /** Kafka bootstrap servers (comma-separated); unset: no relay runs. */
  kafkaBrokers?: string;
  /** Redis of the shared rate limits; unset: each replica counts in memory. */
  redisUrl?: string;
  /** Revocations topic (default the service's). */
  topic?: string;
  /** Environment added to every replica (e.g. DELEGATION_RATE_LIMIT). */
  env?: Record<string, string>;
  /** LOG_LEVEL of the replicas (default warn). */
  logLevel?: string;
  /** Port of the proxy (the ISSUER's); default a free one. */
  proxyPort?: number;
  /** Called with each line a replica or the relay prints, and the process's name. */
  onLine?: (name: string, line: string) => void;
}

export interface Replica {
  name: string;
  port: number;
  /** `http://127.0.0.1:<port>/` */
  baseUrl: string;
  dataDir: string;
  process: EntryProcess;
  /** Starts it again (after a kill) on the same port and DATA_DIR. */
  restart(): Promise<void>;
}

export interface Topology {
  replicas: Replica[];
  /** The proxy's URL, also the shared ISSUER; the management audience is `${issuer}api/v2/`. */
  issuer: string;
  /** The standalone relay (when Kafka brokers were given). */
  relay?: EntryProcess;
  eventStoreConnectionString: string;
  /** The EventStoreDB double, unless a real server is used. */
  double?: EventStoreDbDouble;
  managementClientId: string;
  managementClientSecret: string;
  stop(): Promise<void>;
}

/**
 * Starts the store (double), the replicas (each until ready), the relay (until
 * subscribed) and the proxy (until it reaches a replica). Every replica runs
 * EMBEDDED_RELAY=false: the one standalone relay publishes.
 */
export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const real = process.env.EVENTSTORE_CONNECTION_STRING || undefined;
  const double = real ? undefined : await startEventStoreDbDouble();
  const connectionString = real ?? double!.connectionString;
  const issuerPort = options.proxyPort ?? (await freePort());
  const issuer = `http://127.0.0.1:${issuerPort}/`;
  const signingKeys = await sharedSigningKeys();
  const dataKey = randomBytes(32).toString('base64');
  const managementClientId = `topology-mgmt-${randomUUID().slice(0, 8)}`;
  const managementClientSecret = randomBytes(32).toString('base64url');
  const replicas: Replica[] = [];
  const onLine = options.onLine;
  const echo = (name: string) => (onLine ? (line: string) => onLine(name, line) : undefined);
  let relay: EntryProcess | undefined;
  let proxy: ChildProcess | undefined;
  const relayDataDir = mkdtempSync(join(tmpdir(), `${TOPOLOGY_SERVICES.relay}-`));
  const stop = async (): Promise<void> => {
    if (proxy && proxy.exitCode === null) {
      const exited = new Promise((resolve) => proxy!.once('exit', resolve));
      proxy.kill('SIGTERM');
      await exited;
    }
    await Promise.all([...replicas.map((r) => r.process.stop('SIGTERM')), relay?.stop('SIGTERM')]);
    for (const dir of [...replicas.map((r) => r.dataDir), relayDataDir]) rmSync(dir, { recursive: true, force: true });
    await double?.stop();
  };
  try {
    for (const [i, name] of TOPOLOGY_SERVICES.replicas.entries()) {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
      const env: Record<string, string | undefined> = {
        PORT: String(port),
        HOST: '127.0.0.1',
        ISSUER: issuer,
        DATA_DIR: dataDir,
        EVENT_STORE: 'eventstoredb',
        // Named per replica: the server's logs say which replica a connection is (and the double can lag one).
        EVENTSTORE_CONNECTION_STRING: `${connectionString}${connectionString.includes('?') ? '&' : '?'}connectionName=${name}`,
        SIGNING_KEYS: signingKeys,
        SIGNING_KEYS_FILE: undefined,
        DATA_KEY: dataKey,
        MANAGEMENT_CLIENT_ID: managementClientId,
        MANAGEMENT_CLIENT_SECRET: managementClientSecret,
        KAFKA_BROKERS: options.kafkaBrokers ?? '',
        EMBEDDED_RELAY: 'false',
        // Requests come through the proxy on this machine (compose: the proxy's address).
        TRUST_PROXY: 'loopback',
        ...(options.topic ? { KAFKA_REVOCATIONS_TOPIC: options.topic } : {}),
        RATE_LIMIT_STORE: options.redisUrl ? 'redis' : 'memory',
        REDIS_URL: options.redisUrl,
        LOG_LEVEL: options.logLevel ?? 'warn',
        ...options.env,
      };
      const replica: Replica = {
        name,
        port,
        baseUrl: `http://127.0.0.1:${port}/`,
        dataDir,
        process: new EntryProcess('token-service', env, echo(name)),
        async restart() {
          if (this.process.running) await this.process.stop('SIGKILL');
          this.process = new EntryProcess('token-service', env, echo(name));
          await listening(this);
        },
      };
      replicas.push(replica);
      // The first one registers the shared management client and its grant; the others find them.
      if (i === 0) await listening(replica);
    }
    await Promise.all(replicas.slice(1).map(listening));
    if (options.kafkaBrokers) {
      relay = new EntryProcess('revocation-relay', {
        DATA_DIR: relayDataDir,
        ISSUER: issuer,
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: `${connectionString}${connectionString.includes('?') ? '&' : '?'}connectionName=${TOPOLOGY_SERVICES.relay}`,
        KAFKA_BROKERS: options.kafkaBrokers,
        // Signs each message with the replicas' keys (their JWKS).
        SIGNING_KEYS: signingKeys,
        SIGNING_KEYS_FILE: undefined,
        ...(options.topic ? { KAFKA_REVOCATIONS_TOPIC: options.topic } : {}),
        LOG_LEVEL: 'info',
        RELAY_STATUS_INTERVAL_MS: '0',
      }, echo(TOPOLOGY_SERVICES.relay));
      await relay.waitForOutput(/revocation relay subscribed/, 60_000);
    }
    proxy = spawn('haproxy', ['-f', HAPROXY_CONFIG, '-db'], {
      env: {
        ...process.env,
        PROXY_BIND: `127.0.0.1:${issuerPort}`,
        TOKEN_SERVICE_A: `127.0.0.1:${replicas[0].port}`,
        TOKEN_SERVICE_B: `127.0.0.1:${replicas[1].port}`,
        TOKEN_SERVICE_C: `127.0.0.1:${replicas[2].port}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await proxyReady(proxy, issuer);
  } catch (error) {
    await stop();
    throw error;
  }
  return { replicas, issuer, relay, eventStoreConnectionString: connectionString, double, managementClientId, managementClientSecret, stop };
}

/** Resolves once HAProxy answers a replica's readiness through itself; a missing haproxy fails here (apt-get install haproxy). */
async function proxyReady(proxy: ChildProcess, issuer: string): Promise<void> {
  let output = '';
  proxy.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let failure: Error | undefined;
  proxy.once('error', (error) => (failure = new Error(`haproxy did not start (apt-get install haproxy): ${error.message}`)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (failure) throw failure;
    if (proxy.exitCode !== null) throw new Error(`haproxy exited (${proxy.exitCode}):\n${output}`);
    if (await fetch(`${issuer}health/ready`).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new Error(`haproxy did not reach a replica within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once the replica answers /health/ready (its projection caught up). */
async function listening(replica: Replica): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!replica.process.running) throw new Error(`${replica.name} exited:\n${replica.process.output}`);
    const ready = await fetch(`${replica.baseUrl}health/ready`).then((r) => r.ok, () => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${replica.name} not ready within 60 s:\n${replica.process.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
