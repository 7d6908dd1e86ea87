/**
 * `npm run bench:replicas`: figures of the scale-out topology (tools/topology:
 * three token-service processes behind HAProxy, one standalone relay, the
 * EventStoreDB TEST DOUBLE or EVENTSTORE_CONNECTION_STRING, the Kafka broker
 * of KAFKA_BROKERS, default 127.0.0.1:9092). Never a timed test.
 *
 * 1. A revocation answered on replica B (the 204 of
 *    DELETE /api/v2/device-credentials/{id}, t0) until replica C refuses the
 *    token at /delegation (t1, polled back to back) and until a downstream
 *    RevocationListener sees it (t2). One revocation at a time, N of them
 *    (--revocations, default 1000) after --warmup.
 * 2. /delegation requests/s on one replica directly, then on three through
 *    the proxy (autocannon, --connections 50, --duration 10 s each).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { RevocationListener } from '@refresh-token-service/revocation-events';
import { startTopology, type Topology } from '../tools/topology/topology';
import { load } from './lib/load';
import { percentile } from './lib/report';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface Issued {
  id: string;
  refresh_token: string;
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function managementHeaders(topology: Topology): Promise<Record<string, string>> {
  const token = await json<{ access_token: string }>(
    await fetch(`${topology.replicas[0].baseUrl}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: topology.managementClientId,
        client_secret: topology.managementClientSecret,
        audience: `${topology.issuer}api/v2/`,
      }),
    }),
  );
  return { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
}

async function issueMany(base: string, headers: Record<string, string>, clientId: string, n: number): Promise<Issued[]> {
  const issued: Issued[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      issued.push(
        await json<Issued>(
          await fetch(`${base}api/v2/refresh-tokens`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ client_id: clientId, user_id: `bench-user-${i}`, device_name: `device ${i}`, scope: 'openid offline_access' }),
          }),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return issued;
}

const delegationBody = (clientId: string, token: string): string => JSON.stringify({ client_id: clientId, grant_type: JWT_BEARER, refresh_token: token });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      revocations: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '20' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
    },
  });
  const n = Number(values.revocations);
  const warmup = Number(values.warmup);
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
  const topic = `bench.replicas.${randomUUID().slice(0, 8)}`;
  const admin = new Kafka({ clientId: 'bench-replicas', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const topology = await startTopology({ kafkaBrokers: brokers.join(','), topic, env: { DELEGATION_RATE_LIMIT: '0' } });
  const listener = new RevocationListener({ brokers, groupId: `bench-${randomUUID()}`, topic, maxWaitTimeMs: 100 });
  try {
    const [a, b, c] = topology.replicas.map((r) => r.baseUrl);
    const headers = await managementHeaders(topology);
    const app = await json<{ client_id: string }>(
      await fetch(`${a}api/v2/clients`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench app', app_type: 'native' }) }),
    );
    const started = performance.now();
    const tokens = await issueMany(a, headers, app.client_id, n + warmup);
    process.stderr.write(`[bench] issued ${tokens.length} refresh tokens on A in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    await listener.start();
    const seen = new Map<string, (t: number) => void>();
    listener.onRevocation((event) => seen.get(event.subject)?.(performance.now()));
    const refusedSamples: number[] = [];
    const listenerSamples: number[] = [];
    for (const [i, token] of tokens.entries()) {
      const heard = new Promise<number>((resolve) => seen.set(token.id, resolve));
      const revoked = await fetch(`${b}api/v2/device-credentials/${token.id}`, { method: 'DELETE', headers: { authorization: headers.authorization } });
      const t0 = performance.now();
      if (revoked.status !== 204) throw new Error(`DELETE on B: ${revoked.status} ${await revoked.text()}`);
      let t1: number;
      for (;;) {
        const r = await fetch(`${c}delegation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: delegationBody(app.client_id, token.refresh_token) });
        await r.arrayBuffer();
        if (r.status !== 200) {
          t1 = performance.now();
          break;
        }
      }
      const t2 = await Promise.race([heard, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`listener missed ${token.id}`)), 30_000))]);
      seen.delete(token.id);
      if (i >= warmup) {
        refusedSamples.push(t1 - t0);
        listenerSamples.push(t2 - t0);
      }
    }

    // Delegation throughput: fresh tokens (the ones above are revoked).
    const live = await issueMany(a, headers, app.client_id, 200);
    let k = 0;
    const body = (): string => delegationBody(app.client_id, live[k++ % live.length].refresh_token);
    const one = await load({ url: `${a}delegation`, connections, duration, body });
    const three = await load({ url: `${topology.issuer}delegation`, connections, duration, body });

    const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
    const line = (name: string, samples: number[]): string => {
      samples.sort((x, y) => x - y);
      return `${name}: count ${samples.length}, median ${fmt(percentile(samples, 0.5))}, p99 ${fmt(percentile(samples, 0.99))}, max ${fmt(samples[samples.length - 1])}`;
    };
    process.stdout.write(
      [
        `three replicas (${topology.double ? 'EventStoreDB TEST DOUBLE' : 'EventStoreDB'}, broker ${brokers.join(',')}, ${warmup} warm-up revocations left out)`,
        line('revoke answered on B -> refused on C', refusedSamples),
        line('revoke answered on B -> downstream listener', listenerSamples),
        `delegation, one replica:             ${one.value.toFixed(0)} req/s (p50 ${one.p50} ms, p99 ${one.p99} ms, ${one.failures} failures)`,
        `delegation, three behind the proxy:  ${three.value.toFixed(0)} req/s (p50 ${three.p50} ms, p99 ${three.p99} ms, ${three.failures} failures)`,
        '',
      ].join('\n'),
    );
  } finally {
    await listener.stop();
    await topology.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
