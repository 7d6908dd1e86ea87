/**
 * Revocation latency, end to end: from the moment the HTTP 204 of
 * `DELETE /api/v2/device-credentials/{id}` reaches the caller to the moment a
 * downstream RevocationListener's `onRevocation` fires for that credential.
 *
 *   npm run bench:revocations                 (N = 1000)
 *   npm run bench:revocations -- --tokens 200
 *
 * Shape: token-service runs as its own process from the build output, as
 * `npm start` runs it (embedded SQLite log, embedded relay woken by the
 * append), with KAFKA_BROKERS set and a topic of its own; the listener runs
 * in this process, against a real broker. Tokens are issued first, then
 * revoked one at a time, each waiting until the listener saw it, so the
 * figure is the latency of one revocation, not of a queue. The first
 * `--warmup` revocations (topic metadata, connections, JIT) are left out.
 *
 * t1 can precede t0: the relay may publish and the listener apply the record
 * before the 204 has crossed the loopback back to this process. Such samples
 * are kept as they are (negative), and counted in the output.
 *
 * The broker: KAFKA_BROKERS when set; otherwise the repo's script starts one
 * (`node tools/kafka/kafka.mjs start --lease <this pid>`) and this run's lease
 * is released at the end, which stops the broker only when this run started
 * it and no other lease holder (a Jest run) still uses it. A broker started
 * by hand is never stopped.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { RevocationListener, kafkaBrokersFromEnv } from '@refresh-token-service/revocation-events';
import { percentile } from './lib/report';
import { json, managementToken, startServiceProcess } from './service-process';

const run = promisify(execFile);

/** The repo root, whether this runs from bench/ (ts) or dist/bench/ (the build output). */
function kafkaScript(): string {
  for (const root of [join(__dirname, '..'), join(__dirname, '..', '..')]) {
    const script = join(root, 'tools', 'kafka', 'kafka.mjs');
    if (existsSync(script)) return script;
  }
  throw new Error('tools/kafka/kafka.mjs not found');
}

interface Broker {
  brokers: string[];
  /** Drops this run's lease (stops the broker if this run started it and nobody else holds one). */
  release(): Promise<void>;
}

async function broker(): Promise<Broker> {
  const configured = kafkaBrokersFromEnv();
  if (configured) return { brokers: [...configured], release: async () => undefined };
  const script = kafkaScript();
  const lease = String(process.pid);
  const { stdout } = await run(process.execPath, [script, 'start', '--lease', lease], { timeout: 5 * 60_000 });
  const started = JSON.parse(stdout.trim().split('\n').pop()!) as { brokers: string; started: boolean };
  process.stderr.write(`[bench] ${started.started ? 'started a broker' : 'using the running broker'} on ${started.brokers}\n`);
  return {
    brokers: started.brokers.split(','),
    release: async () => {
      await run(process.execPath, [script, 'release', '--lease', lease], { timeout: 60_000 });
    },
  };
}


async function measure(brokers: string[], n: number, warmup: number): Promise<void> {
  const topic = `bench.revocations.${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: 'bench-revocation-latency', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Created up front so neither the relay's first send nor the listener's subscribe waits on auto-creation.
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

  const service = await startServiceProcess({ KAFKA_BROKERS: brokers.join(','), KAFKA_REVOCATIONS_TOPIC: topic, EMBEDDED_RELAY: 'true' });
  const listener = new RevocationListener({ brokers, groupId: `bench-${randomUUID()}`, topic, maxWaitTimeMs: 100 });
  try {
    const auth = { authorization: `Bearer ${await managementToken(service)}`, 'content-type': 'application/json' };
    const app = await json<{ client_id: string }>(
      await fetch(`${service.baseUrl}/api/v2/clients`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'bench app', app_type: 'native' }) }),
    );
    const ids: string[] = [];
    const issueStart = performance.now();
    for (let i = 0; i < n + warmup; i++) {
      const issued = await json<{ id: string }>(
        await fetch(`${service.baseUrl}/api/v2/refresh-tokens`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ client_id: app.client_id, user_id: `bench-user-${i % 100}`, device_name: `device ${i}`, scope: 'openid offline_access' }),
        }),
      );
      ids.push(issued.id);
    }
    process.stderr.write(`[bench] issued ${ids.length} refresh tokens in ${((performance.now() - issueStart) / 1000).toFixed(1)} s\n`);

    await listener.start();
    const waiting = new Map<string, (t1: number) => void>();
    listener.onRevocation((event) => {
      const t1 = performance.now();
      waiting.get(event.subject)?.(t1);
    });

    const samples: number[] = [];
    const { authorization } = auth;
    for (const [i, id] of ids.entries()) {
      let timer: NodeJS.Timeout | undefined;
      const seen = new Promise<number>((resolve, reject) => {
        waiting.set(id, resolve);
        timer = setTimeout(() => reject(new Error(`the listener did not see the revocation of ${id} within 30 s`)), 30_000);
      });
      seen.catch(() => undefined); // a failed DELETE throws first; this rejection is then nobody's to handle
      try {
        const response = await fetch(`${service.baseUrl}/api/v2/device-credentials/${id}`, { method: 'DELETE', headers: { authorization } });
        const t0 = performance.now(); // the 204 arrived: the revocation is durable and the read model answers it
        if (response.status !== 204) throw new Error(`DELETE /api/v2/device-credentials/${id}: ${response.status} ${await response.text()}`);
        const t1 = await seen;
        if (i >= warmup) samples.push(t1 - t0);
      } finally {
        clearTimeout(timer);
        waiting.delete(id);
      }
    }

    samples.sort((a, b) => a - b);
    const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
    const negative = samples.filter((s) => s < 0).length;
    process.stdout.write(
      [
        `revocation latency, HTTP 204 of DELETE /api/v2/device-credentials/{id} -> RevocationListener.onRevocation`,
        `(token-service process from dist, embedded SQLite + embedded relay, broker ${brokers.join(',')}, topic ${topic}; ${warmup} warm-up revocations left out)`,
        `count: ${samples.length}`,
        `median: ${fmt(percentile(samples, 0.5))}`,
        `p90: ${fmt(percentile(samples, 0.9))}`,
        `p99: ${fmt(percentile(samples, 0.99))}`,
        `max: ${fmt(samples[samples.length - 1])}`,
        `min: ${fmt(samples[0])} (${negative} samples where the listener saw it before the 204 arrived)`,
        '',
      ].join('\n'),
    );
  } finally {
    await listener.stop();
    await service.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { tokens: { type: 'string' }, warmup: { type: 'string', default: '20' } },
  });
  const n = Number(values.tokens ?? positionals[0] ?? 1000);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(warmup) || warmup < 0) throw new Error('usage: revocation-latency [--tokens N] [--warmup W]');
  const { brokers, release } = await broker();
  try {
    await measure(brokers, n, warmup);
  } finally {
    await release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
