/**
 * Revocation latency: from the moment a revocation is durably appended to the
 * log (what a revoke's 204 waits for) to the moment a downstream
 * RevocationListener has it in its set; median and p99 over N revocations.
 *
 *   npm run kafka:start
 *   KAFKA_BROKERS=127.0.0.1:9092 node -r ./test/support/ts-register.js bench/revocation-latency.ts [N=1000]
 *
 * Shape: embedded mode (the relay in the writer's process, woken by the append,
 * as `npm start` runs it), a real SQLite log in a temp dir, a real broker.
 * Revocations are made one at a time, each waiting until the listener saw it,
 * so the figure is the latency of one revocation, not of a queue.
 * TODO(lead): once token-service exists, measure from the HTTP 204 of
 * DELETE /api/v2/device-credentials/{id} (adds the handler and the
 * read-your-writes wait on the local projection, which precede the 204).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteEventStore } from '@app/event-store';
import { InMemoryCheckpointStore, RevocationListener, RevocationRelay, kafkaBrokersFromEnv } from '@app/revocation-events';
import { issue, revoke, testCredential } from '../test/kafka/events';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const brokers = kafkaBrokersFromEnv();
  if (!brokers) throw new Error('set KAFKA_BROKERS (npm run kafka:start)');
  const dir = mkdtempSync(join(tmpdir(), 'bench-revocation-'));
  const store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
  const topic = `bench.revocations.${randomUUID().slice(0, 8)}`;
  const relay = new RevocationRelay({ store, checkpoints: new InMemoryCheckpointStore(), brokers, topic, issuer: 'http://localhost:3000/' });
  const listener = new RevocationListener({ brokers, groupId: `bench-${randomUUID()}`, topic });

  const creds = Array.from({ length: n + 20 }, () => testCredential());
  for (const c of creds) await issue(store, c);
  await relay.start();
  await listener.start();

  const waiting = new Map<string, () => void>();
  listener.onRevocation((e) => waiting.get(e.subject)?.());
  const samples: number[] = [];
  for (const [i, c] of creds.entries()) {
    const seen = new Promise<void>((resolve) => waiting.set(c.credentialId, resolve));
    await revoke(store, c);
    const t0 = performance.now(); // the append returned: the revocation is durable
    await seen;
    if (i >= 20) samples.push(performance.now() - t0); // the first 20 warm up (topic creation, JIT)
  }
  samples.sort((a, b) => a - b);
  const q = (p: number): number => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)];
  const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
  process.stdout.write(
    `revocations: ${samples.length}\nmedian: ${fmt(q(0.5))}\np99: ${fmt(q(0.99))}\nmax: ${fmt(samples[samples.length - 1])}\n`,
  );
  await listener.stop();
  await relay.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
