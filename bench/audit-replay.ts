/**
 * Replay rate of `audit verify` on the embedded default (SQLite).
 *
 *   npm run bench:audit                 # 1,000,000 events
 *   npm run bench:audit -- --events 200000 --keep
 *
 * 1. Generates a log of N events (100 clients; 60 % issuances, the rest
 *    revocations of earlier tokens) in large transactions: the schema comes
 *    from SqliteEventStore itself, the rows are written by a second connection
 *    with synchronous=OFF and each hash computed with integrity.ts exactly as
 *    the adapter does (appending a million events one fsynced transaction at a
 *    time through the port would measure the disk, not the replay).
 * 2. Builds the "live" read model with the credentials lib's rebuild().
 * 3. Times verify(): one pass over the log through SqliteEventStore.readAll,
 *    hash chain check, fresh replay into a new read model, row-by-row comparison.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { verify } from '@app/audit';
import { READ_MODEL_FILE_NAME, rebuild } from '@app/credentials';
import { computeEventHash, GENESIS_HASH, SqliteEventStore, type EventMetadata } from '@app/event-store';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, dir: { type: 'string' }, keep: { type: 'boolean', default: false }, 'scratch-in-memory': { type: 'boolean', default: false } },
});
const total = Number(values.events);
if (!Number.isSafeInteger(total) || total < 1000) throw new Error('--events must be an integer >= 1000');

const dataDir = values.dir ?? mkdtempSync(join(tmpdir(), 'audit-bench-'));
const eventsFile = join(dataDir, 'events.sqlite');
const seconds = (start: number): number => (performance.now() - start) / 1000;
const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')} events/s`;
const mb = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;

function generate(): number {
  new SqliteEventStore({ filename: eventsFile }).close(); // creates the schema the adapter owns
  const db = new Database(eventsFile);
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, prev_hash, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const base = Date.parse('2024-01-01T00:00:00Z');
  let n = 0;
  const heads = new Map<string, string>(); // issued, not yet revoked: stream -> head hash
  const write = (streamId: string, revision: number, type: string, data: Record<string, unknown>, actor: string, reason?: string): string => {
    const occurredAt = new Date(base + n * 1000).toISOString();
    const metadata: EventMetadata = { actor, occurredAt, correlationId: `corr-${n}`, ...(reason && { reason }) };
    const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const prevHash = revision === 0 ? GENESIS_HASH : (heads.get(streamId) as string);
    const hash = computeEventHash(prevHash, { id, streamId, revision, type, data, metadata });
    insert.run(id, streamId, revision, type, JSON.stringify(data), JSON.stringify(metadata), prevHash, hash, occurredAt);
    n++;
    return hash;
  };
  const clients = 100;
  const revocations = Math.floor((total - clients) * 0.4);
  const issuances = total - clients - revocations;
  const batch = db.transaction((work: () => void) => work());
  batch(() => {
    for (let c = 0; c < clients; c++) {
      const clientId = `client-${c}`;
      write(`client-${clientId}`, 0, 'ClientRegistered', {
        clientId, name: `app ${c}`, appType: 'native', tokenEndpointAuthMethod: 'none', clientSecretHash: null,
        jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 36000 }, grantTypes: ['refresh_token'], createdAt: new Date(base).toISOString(),
      }, 'bootstrap');
    }
  });
  const LAG = 1000; // a token is revoked 1000 issuances after its own
  let revoked = 0;
  for (let from = 0; from < issuances; from += 10_000) {
    batch(() => {
      for (let i = from; i < Math.min(from + 10_000, issuances); i++) {
        const credentialId = `dcr_${i}`;
        const clientId = `client-${i % clients}`;
        const userId = `user-${i % 50_000}`;
        const device = { deviceId: `device-${i}`, deviceName: `device ${i % 7}` };
        const stream = `refreshToken-${credentialId}`;
        heads.set(stream, write(stream, 0, 'RefreshTokenIssued', {
          credentialId, tokenHash: createHash('sha256').update(`token-${i}`).digest('hex'),
          clientId, userId, ...device, scope: 'openid offline_access', issuedAt: new Date(base + n * 1000).toISOString(),
        }, 'login-service'));
        const j = i - LAG;
        if (j >= 0 && revoked < revocations) {
          const target = `dcr_${j}`;
          const targetStream = `refreshToken-${target}`;
          write(targetStream, 1, 'RefreshTokenRevoked', {
            credentialId: target, clientId: `client-${j % clients}`, userId: `user-${j % 50_000}`, deviceId: `device-${j}`, deviceName: `device ${j % 7}`,
            reason: 'device_credential_deleted', revokedBy: 'mgmt', revokedAt: new Date(base + n * 1000).toISOString(),
          }, 'mgmt', 'device_credential_deleted');
          heads.delete(targetStream);
          revoked++;
        }
      }
    });
  }
  db.close();
  return n;
}

async function main(): Promise<void> {
  console.log(`audit replay bench: ${total.toLocaleString('en-US')} events in ${dataDir} (node ${process.version})`);
  let start = performance.now();
  const written = generate();
  console.log(`generate: ${written.toLocaleString('en-US')} events in ${seconds(start).toFixed(1)} s`);

  const store = new SqliteEventStore({ filename: eventsFile, pageSize: 5000 });
  try {
    start = performance.now();
    const live = await rebuild(store, join(dataDir, READ_MODEL_FILE_NAME), { overwrite: true });
    live.readModel.close();
    const rebuildSeconds = seconds(start);
    console.log(`live read model (credentials rebuild): ${live.events.toLocaleString('en-US')} events in ${rebuildSeconds.toFixed(1)} s (${rate(live.events, rebuildSeconds)})`);

    start = performance.now();
    const report = await verify(store, {
      readModelFilename: join(dataDir, READ_MODEL_FILE_NAME),
      ...(values['scratch-in-memory'] && { scratchFilename: ':memory:' }),
    });
    const verifySeconds = seconds(start);
    console.log(
      `verify: ok=${report.ok} chain=${report.chain.ok} (${report.chain.streams.toLocaleString('en-US')} streams) readModel=${report.readModel.status} (${report.readModel.rows.toLocaleString('en-US')} rows)`,
    );
    console.log(`verify replay: ${report.chain.events.toLocaleString('en-US')} events in ${verifySeconds.toFixed(1)} s = ${rate(report.chain.events, verifySeconds)}; rss ${mb(process.memoryUsage().rss)}`);
    if (!report.ok) process.exitCode = 1;
  } finally {
    await store.close();
    if (!values.keep && !values.dir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
