/**
 * The scale-out topology of docker-compose.yml, without Docker: N
 * token-service replicas (the real entry point, each a child process with its
 * own DATA_DIR and read model) on one EventStoreDB, one Kafka broker and one
 * Redis, sharing signing keys, data key, issuer and management client.
 *
 * EventStoreDB is the in-repo TEST DOUBLE (test/eventstoredb-double) unless
 * EVENTSTORE_CONNECTION_STRING names a real server. The three-replica suite
 * (test/replicas) and `npm run topology` both start it through this module,
 * so what the tests run is what the script runs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from '@app/signing';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../test/eventstoredb-double/eventstoredb-double';
import { EntryProcess } from '../../test/support/entry-process';
import { freePort } from '../../test/support/token-service';

/** The service names of docker-compose.yml this topology runs (checked by topology.int.spec.ts). */
export const TOPOLOGY_SERVICES = {
  replicas: ['token-service-a', 'token-service-b', 'token-service-c'],
  eventStore: 'eventstoredb',
  kafka: 'kafka',
  redis: 'redis',
} as const;

export interface TopologyOptions {
  /** Kafka bootstrap servers (comma-separated); unset: no relay publishes. */
  kafkaBrokers?: string;
  /** Redis of the shared rate limits; unset: each replica counts in memory. */
  redisUrl?: string;
  /** Revocations topic (default the service's). */
  topic?: string;
  /** Environment added to every replica (e.g. DELEGATION_RATE_LIMIT). */
  env?: Record<string, string>;
  /** LOG_LEVEL of the replicas (default warn). */
  logLevel?: string;
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
  /** The shared ISSUER; the management audience is `${issuer}api/v2/`. */
  issuer: string;
  eventStoreConnectionString: string;
  /** The EventStoreDB double, unless a real server is used. */
  double?: EventStoreDbDouble;
  managementClientId: string;
  managementClientSecret: string;
  stop(): Promise<void>;
}

/**
 * Starts the store (double) and the replicas, each until it listens. Until
 * one standalone relay publishes for all (issue 11, items 3-4), the first
 * replica runs the embedded relay and the others EMBEDDED_RELAY=false: one
 * publisher either way.
 */
export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const real = process.env.EVENTSTORE_CONNECTION_STRING || undefined;
  const double = real ? undefined : await startEventStoreDbDouble();
  const connectionString = real ?? double!.connectionString;
  const issuerPort = await freePort();
  const issuer = `http://127.0.0.1:${issuerPort}/`;
  const signingKeys = JSON.stringify({ keys: [await generateSigningKey('RS256', { createdAt: new Date() })] });
  const dataKey = randomBytes(32).toString('base64');
  const managementClientId = `topology-mgmt-${randomUUID().slice(0, 8)}`;
  const managementClientSecret = randomBytes(32).toString('base64url');
  const replicas: Replica[] = [];
  // Started one after the other below (each EntryProcess starts on creation).
  const stop = async (): Promise<void> => {
    await Promise.all(replicas.map((r) => r.process.stop('SIGTERM')));
    for (const r of replicas) rmSync(r.dataDir, { recursive: true, force: true });
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
        EMBEDDED_RELAY: i === 0 && options.kafkaBrokers ? 'true' : 'false',
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
        process: new EntryProcess('token-service', env),
        async restart() {
          if (this.process.running) await this.process.stop('SIGKILL');
          this.process = new EntryProcess('token-service', env);
          await listening(this);
        },
      };
      replicas.push(replica);
      // The first one registers the shared management client and its grant; the others find them.
      if (i === 0) await listening(replica);
    }
    await Promise.all(replicas.slice(1).map(listening));
  } catch (error) {
    await stop();
    throw error;
  }
  return { replicas, issuer, eventStoreConnectionString: connectionString, double, managementClientId, managementClientSecret, stop };
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
