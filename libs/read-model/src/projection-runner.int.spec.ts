import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type AppendResult, type EventStore } from '@app/event-store';
import { ReadModelProjection } from './read-model-projection';
import { CredentialQueries } from './credential-queries';
import type { Logger } from '@app/shared';
import { ProjectionRunner } from './projection-runner';
import { ReadModel } from './read-model';
import { rebuild } from './rebuild';
import {
  clientDeleted,
  clientRegistered,
  grantCreated,
  grantDeleted,
  newEvent,
  sha256,
  streamOf,
  tokenIssued,
  tokenRevoked,
} from './testing/credential-events.fixtures';
import { FlakyEventStore } from './testing/flaky-event-store';
import { findValidByTokenHash } from './testing/valid-credential';

type Body = { type: string; data: object };

function recordingLogger(): Logger & { entries: Array<{ level: string; message: string }> } {
  const entries: Array<{ level: string; message: string }> = [];
  return {
    entries,
    info: (_details, message) => entries.push({ level: 'info', message }),
    warn: (_details, message) => entries.push({ level: 'warn', message }),
    error: (_details, message) => entries.push({ level: 'error', message }),
  };
}

async function append(store: EventStore, ...bodies: Body[]): Promise<AppendResult> {
  let result: AppendResult = { nextExpectedRevision: -1, position: 0 };
  for (const body of bodies) result = await store.appendToStream(streamOf(body), [newEvent(body)], { expectedRevision: (await store.readLastEvent(streamOf(body)))?.revision ?? 'no_stream' });
  return result;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ProjectionRunner over the SQLite event store', () => {
  let dir: string;
  let store: SqliteEventStore;
  /** Everything to stop or close after the test, last opened first. */
  let cleanup: Array<() => Promise<void> | void>;

  function openNode(eventStore: EventStore = store, logger: Logger = recordingLogger()) {
    const readModel = new ReadModel({ filename: join(dir, 'node', 'read-model.sqlite') });
    const projection = new ReadModelProjection(readModel, { logger });
    const runner = new ProjectionRunner(eventStore, projection, { logger, backoff: { initialMs: 5, maxMs: 40 } });
    const queries = new CredentialQueries(readModel);
    cleanup.push(() => readModel.close(), () => runner.stop());
    return { readModel, projection, runner, queries };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credentials-int-'));
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
    cleanup = [() => store.close()];
  });

  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up with the log, then follows new events live', async () => {
    await append(store, clientRegistered('client-a'), tokenIssued('dcr_1'), tokenIssued('dcr_2'), tokenRevoked('dcr_1'));
    const { runner, queries } = openNode();

    runner.start();
    await runner.caughtUp;

    expect(runner.position()).toBe(await store.headPosition());
    expect(findValidByTokenHash(queries, sha256('token-of-dcr_1'))).toBeNull();
    expect(findValidByTokenHash(queries, sha256('token-of-dcr_2'))?.credentialId).toBe('dcr_2');
    expect(runner.status()).toMatchObject({ state: 'live', caughtUp: true, failures: 0 });

    const revoked = await append(store, tokenRevoked('dcr_2'));
    await expect(runner.waitForPosition(revoked.position, 5000)).resolves.toBe(true);
    expect(findValidByTokenHash(queries, sha256('token-of-dcr_2'))).toBeNull();
    expect(queries.findById('dcr_2')?.revokedPosition).toBe(revoked.position);
  });

  describe('waitForPosition (read-your-writes, invariant 6)', () => {
    it('resolves true once an append made after the call is applied', async () => {
      await append(store, clientRegistered('client-a'));
      const { runner, queries } = openNode();
      runner.start();
      await runner.caughtUp;
      const next = (await store.headPosition()) + 1;

      const waiting = runner.waitForPosition(next, 5000);
      const issued = await append(store, tokenIssued('dcr_1'));

      expect(issued.position).toBe(next);
      await expect(waiting).resolves.toBe(true);
      expect(findValidByTokenHash(queries, sha256('token-of-dcr_1'))).not.toBeNull();
    });

    it('resolves false when nothing reaches the position in time', async () => {
      await append(store, clientRegistered('client-a'));
      const { runner } = openNode();
      runner.start();
      await runner.caughtUp;

      await expect(runner.waitForPosition((await store.headPosition()) + 1, 100)).resolves.toBe(false);
    });
  });

  it('resumes from its checkpoint after a stop and restart, applying nothing twice', async () => {
    await append(store, clientRegistered('client-a'));
    for (let i = 0; i < 40; i++) await append(store, tokenIssued(`dcr_${i}`));
    const first = openNode();
    first.runner.start();
    await first.runner.caughtUp;
    const checkpoint = first.runner.position();
    await first.runner.stop();
    first.readModel.close();

    // Written while the node is down: revocations of earlier tokens and new issuances.
    for (let i = 0; i < 10; i++) await append(store, tokenRevoked(`dcr_${i}`), tokenIssued(`dcr_new_${i}`));
    const flaky = new FlakyEventStore(store);
    const logger = recordingLogger();
    const second = openNode(flaky, logger);
    expect(second.projection.position()).toBe(checkpoint);

    second.runner.start();
    await second.runner.caughtUp;

    expect(flaky.readsFrom[0]).toEqual({ call: 'readAll', after: checkpoint });
    expect(logger.entries).toEqual([]);
    expect(second.runner.position()).toBe(await store.headPosition());
    expect(second.queries.listValidDeviceCredentials({ page: 0, perPage: 1000 }).total).toBe(40);
    const rebuilt = await rebuild(store, ':memory:');
    expect(second.readModel.snapshot()).toBe(rebuilt.readModel.snapshot());
    rebuilt.readModel.close();
  });

  it('rebuilds from zero into a model identical byte for byte to the live one (invariant 1)', async () => {
    const { runner, readModel } = openNode();
    runner.start();
    await runner.caughtUp;
    await append(
      store,
      clientRegistered('client-a', { sealedClientSecret: 'sealed', jwtConfiguration: { alg: 'HS256', lifetimeInSeconds: 60 } }),
      clientRegistered('client-b'),
      grantCreated('cgr_1', 'client-a', 'https://issuer/api/v2/', ['read:clients']),
      grantCreated('cgr_2', 'client-b', 'https://issuer/api/v2/', ['read:clients']),
      grantDeleted('cgr_2', 'client-b'),
      tokenIssued('dcr_1', { clientId: 'client-a' }),
      tokenIssued('dcr_2', { clientId: 'client-b', userId: 'user-2' }),
      tokenRevoked('dcr_1', { clientId: 'client-a', reason: 'rfc7009', revokedBy: 'client-a' }),
      clientDeleted('client-b'),
      tokenRevoked('dcr_9'), // unknown: skipped the same way live and on rebuild
    );
    const last = await append(store, tokenRevoked('dcr_2', { clientId: 'client-b', userId: 'user-2', reason: 'client_deleted', revokedBy: 'system' }));
    await expect(runner.waitForPosition(last.position, 5000)).resolves.toBe(true);

    const target = join(dir, 'rebuilt.sqlite');
    const rebuilt = await rebuild(store, target);
    cleanup.push(() => rebuilt.readModel.close());

    expect(rebuilt.position).toBe(last.position);
    expect(rebuilt.events).toBe(11);
    expect(rebuilt.readModel.snapshot()).toBe(readModel.snapshot());
    await expect(rebuild(store, target)).rejects.toMatchObject({ code: 'REBUILD_TARGET_EXISTS' });
  });

  it('rebuilds a log where two credentials share a token hash into the live rows (the later one skipped), unique indexes in place', async () => {
    const { runner, readModel } = openNode();
    runner.start();
    await runner.caughtUp;
    const clash = tokenIssued('dcr_2');
    await append(store, clientRegistered('client-a'), tokenIssued('dcr_1'), tokenIssued('dcr_3'));
    const last = await append(store, { ...clash, data: { ...clash.data, tokenHash: sha256('token-of-dcr_1') } });
    await expect(runner.waitForPosition(last.position, 5000)).resolves.toBe(true);

    const rebuilt = await rebuild(store, join(dir, 'rebuilt.sqlite'));
    cleanup.push(() => rebuilt.readModel.close());

    expect(rebuilt.readModel.snapshot()).toBe(readModel.snapshot());
    expect(rebuilt.readModel.snapshot()).not.toContain('dcr_2');
    expect(rebuilt.readModel.createDeferredUniqueIndexes()).toBe(true);
    const sameHash = rebuilt.readModel.db.prepare(
      `INSERT INTO credentials (credential_id, token_hash, client_id, user_id, device_id, device_name, scope, issued_at, issued_position, stream_revision, stream_head_hash)
       SELECT 'dcr_new', token_hash, client_id, user_id, device_id, device_name, scope, issued_at, 1000000, stream_revision, stream_head_hash FROM credentials LIMIT 1`,
    );
    expect(() => sameHash.run()).toThrow(/UNIQUE constraint failed: credentials.token_hash/);
  });

  it('rebuilds the state at a past position', async () => {
    await append(store, clientRegistered('client-a'));
    const issued = await append(store, tokenIssued('dcr_1'));
    await append(store, tokenRevoked('dcr_1'));

    const past = await rebuild(store, ':memory:', { untilPosition: issued.position });

    expect(past.position).toBe(issued.position);
    expect(findValidByTokenHash(new CredentialQueries(past.readModel), sha256('token-of-dcr_1'))?.credentialId).toBe('dcr_1');
    past.readModel.close();
  });

  describe('faults (invariant 8: delayed, never lost)', () => {
    it('retries with backoff while the event store is down, then catches up', async () => {
      await append(store, clientRegistered('client-a'), tokenIssued('dcr_1'));
      const flaky = new FlakyEventStore(store);
      flaky.down = true;
      const { runner, queries } = openNode(flaky);

      runner.start();
      await until(() => runner.status().failures >= 3);
      expect(runner.status()).toMatchObject({ caughtUp: false, lastError: expect.stringMatching(/EventStoreUnavailableError/) });
      flaky.down = false;
      await runner.caughtUp;

      expect(findValidByTokenHash(queries, sha256('token-of-dcr_1'))?.credentialId).toBe('dcr_1');
    });

    it('restarts from its checkpoint when the live subscription fails, and loses nothing', async () => {
      await append(store, clientRegistered('client-a'));
      const flaky = new FlakyEventStore(store);
      const { runner, queries } = openNode(flaky);
      runner.start();
      await runner.caughtUp;
      const reads = flaky.readsFrom.length;
      const checkpoint = runner.position();

      flaky.failNextEvent = true;
      const issued = await append(store, tokenIssued('dcr_1'));

      await expect(runner.waitForPosition(issued.position, 5000)).resolves.toBe(true);
      expect(runner.status().failures).toBe(1);
      expect(flaky.readsFrom[reads]).toEqual({ call: 'readAll', after: checkpoint });
      expect(findValidByTokenHash(queries, sha256('token-of-dcr_1'))).not.toBeNull();
    });

    it('retries an event whose read-model write failed until it succeeds', async () => {
      await append(store, clientRegistered('client-a'));
      const { runner, queries, readModel } = openNode();
      runner.start();
      await runner.caughtUp;
      readModel.db.exec(`CREATE TRIGGER full_disk BEFORE INSERT ON credentials BEGIN SELECT RAISE(ABORT, 'disk full'); END`);

      const issued = await append(store, tokenIssued('dcr_1'));
      await until(() => runner.status().failures >= 2);
      expect(queries.findById('dcr_1')).toBeNull();
      readModel.db.exec('DROP TRIGGER full_disk');

      await expect(runner.waitForPosition(issued.position, 5000)).resolves.toBe(true);
      expect(queries.findById('dcr_1')?.issuedPosition).toBe(issued.position);
    });
  });

  it('rejects caughtUp with CONSUMER_STOPPED when stopped before catching up', async () => {
    const flaky = new FlakyEventStore(store);
    flaky.down = true;
    const { runner } = openNode(flaky);
    runner.start();

    await runner.stop();

    await expect(runner.caughtUp).rejects.toMatchObject({ code: 'CONSUMER_STOPPED' });
    expect(runner.status().state).toBe('stopped');
    expect(() => runner.start()).toThrow(expect.objectContaining({ code: 'CONSUMER_ALREADY_STARTED' }));
  });

  it('catches up with a 10,000-event log', async () => {
    await append(store, clientRegistered('client-a'));
    // 5,000 credential streams of issue + revoke (the odd ones stay valid): 10,000 events.
    for (let i = 0; i < 5000; i++) {
      const bodies = i % 2 === 0 ? [tokenIssued(`dcr_${i}`), tokenRevoked(`dcr_${i}`)] : [tokenIssued(`dcr_${i}`), tokenIssued(`dcr_${i}`)];
      await store.appendToStream(streamOf(bodies[0]), bodies.map((b) => newEvent(b)), { expectedRevision: 'no_stream' });
    }
    const logger = recordingLogger();
    const { runner, queries } = openNode(store, logger);

    const started = process.hrtime.bigint();
    runner.start();
    await runner.caughtUp;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`credential projection catch-up: 10,001 events in ${seconds.toFixed(2)} s (${Math.round(10_001 / seconds)} events/s)`);

    expect(runner.position()).toBe(await store.headPosition());
    expect(queries.listValidDeviceCredentials({ page: 0, perPage: 1 }).total).toBe(2500);
    // The repeated issuance on odd streams is logged once each, never applied twice.
    expect(logger.entries.filter((e) => /repeated issuance/.test(e.message))).toHaveLength(2500);
  }, 60_000);
});
