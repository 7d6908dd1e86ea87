import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FixedClock } from '@app/shared';
import { describeEventStoreContract } from '@app/event-store/testing/event-store.contract';
import { canonicalJson, computeEventHash, eventHashMatches, GENESIS_HASH, hashStoredContent, SqliteEventStore, type NewEvent, type RecordedEvent } from '@app/event-store';

/** A fresh directory per test, removed by `cleanup`. */
function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function storeFactory(options: { pageSize?: number } = {}) {
  return async () => {
    const { dir, remove } = tempDir();
    const store = new SqliteEventStore({ filename: join(dir, 'events.db'), ...options });
    return {
      store,
      cleanup: async () => {
        await store.close();
        remove();
      },
    };
  };
}

describeEventStoreContract('sqlite', storeFactory());
// Pages of 2 make every read and catch-up in the contract cross page boundaries.
describeEventStoreContract('sqlite, pages of 2', storeFactory({ pageSize: 2 }));
describeEventStoreContract('sqlite, :memory:', async () => {
  const store = new SqliteEventStore({ filename: ':memory:' });
  return { store, cleanup: () => store.close() };
});

function newEvent(type = 'TestEvent', data: Record<string, unknown> = { value: randomUUID() }): NewEvent {
  return { id: randomUUID(), type, data, metadata: { actor: 'test', occurredAt: '2024-01-01T00:00:00.000Z' } };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function waitFor(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SqliteEventStore', () => {
  let dir: string;
  let remove: () => void;
  let filename: string;
  const open: SqliteEventStore[] = [];
  const openStore = (options: Partial<ConstructorParameters<typeof SqliteEventStore>[0]> = {}): SqliteEventStore => {
    const store = new SqliteEventStore({ filename, ...options });
    open.push(store);
    return store;
  };

  beforeEach(() => {
    ({ dir, remove } = tempDir());
    filename = join(dir, 'nested', 'deeper', 'events.db');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    remove();
  });

  describe('on disk', () => {
    it('creates parent directories, uses WAL and fsyncs every commit', () => {
      openStore();
      const db = new Database(filename, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(db.pragma('user_version', { simple: true })).toBe(1);
      } finally {
        db.close();
      }
      // synchronous is per connection: read it through the store's own connection.
      const store = open[0] as unknown as { db: Database.Database };
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    });

    it('keeps events and their hash chain across close and reopen', async () => {
      const first = openStore();
      await first.appendToStream('refreshToken-1', [newEvent('Issued'), newEvent('Revoked')], { expectedRevision: 'no_stream' });
      await first.appendToStream('client-1', [newEvent('ClientRegistered')], { expectedRevision: 'no_stream' });
      const before = await collect(first.readAll());
      await first.close();

      const reopened = openStore();
      const after = await collect(reopened.readAll());

      expect(after).toEqual(before);
      const token = await reopened.readStream('refreshToken-1');
      expect(token[0].prevHash).toBe(GENESIS_HASH);
      expect(token[1].prevHash).toBe(token[0].hash);
      for (const event of after) expect(event.hash).toBe(computeEventHash(event.prevHash, event));
      // The chain continues from the stored head, and positions keep increasing.
      const next = await reopened.appendToStream('refreshToken-1', [newEvent('Noted')], { expectedRevision: 1 });
      const [, , third] = await reopened.readStream('refreshToken-1');
      expect(third.prevHash).toBe(token[1].hash);
      expect(next.position).toBeGreaterThan(before[before.length - 1].position);
      expect(await reopened.headPosition()).toBe(next.position);
    });

    it('lets a second instance on the same file see the first one\'s appends through polling', async () => {
      const writer = openStore();
      const reader = openStore({ pollIntervalMs: 20 });
      const seen: RecordedEvent[] = [];
      let caughtUp = 0;
      reader.subscribeToAll({
        onEvent: (event) => {
          seen.push(event);
        },
        onCaughtUp: () => caughtUp++,
      });
      await waitFor(() => caughtUp > 0);

      const result = await writer.appendToStream('refreshToken-1', [newEvent(), newEvent()], { expectedRevision: 'no_stream' });

      await waitFor(() => seen.length === 2);
      expect(seen[1].position).toBe(result.position);
      expect(await reader.readStream('refreshToken-1')).toEqual(seen);
      // And the other instance's appends are checked against the same stream state.
      await expect(
        reader.appendToStream('refreshToken-1', [newEvent()], { expectedRevision: 0 }),
      ).rejects.toMatchObject({ code: 'CONCURRENCY' });
    });

    it('wakes a caught-up subscription at once on an append through the same instance, without waiting for a poll', async () => {
      const store = openStore({ pollIntervalMs: 60_000 });
      const seen: RecordedEvent[] = [];
      let caughtUp = 0;
      store.subscribeToAll({ onEvent: (event) => void seen.push(event), onCaughtUp: () => caughtUp++ });
      await waitFor(() => caughtUp > 0);

      await store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' });
      await store.appendToStream('s-1', [newEvent()], { expectedRevision: 0 });

      await waitFor(() => seen.length === 2, 1000);
    });

    it('stamps created_at from the clock, leaving metadata.occurredAt alone', async () => {
      const store = openStore({ clock: new FixedClock(new Date('2030-02-03T04:05:06.000Z')) });
      await store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' });
      const db = new Database(filename, { readonly: true });
      try {
        expect(db.prepare('SELECT created_at FROM events').pluck().get()).toBe('2030-02-03T04:05:06.000Z');
      } finally {
        db.close();
      }
      const [event] = await store.readStream('s-1');
      expect(event.metadata.occurredAt).toBe('2024-01-01T00:00:00.000Z');
    });

    it('refuses updates and deletes of recorded events, even through a raw connection', async () => {
      const store = openStore();
      await store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' });
      const db = new Database(filename);
      try {
        expect(() => db.prepare(`UPDATE events SET data = '{}'`).run()).toThrow(/immutable/);
        expect(() => db.prepare('DELETE FROM events').run()).toThrow(/never deleted/);
      } finally {
        db.close();
      }
    });
  });

  describe('group commit', () => {
    it('commits appends made in the same turn of the event loop in one transaction', async () => {
      const store = openStore();
      const before = store.groupCommitStats();

      await Promise.all(Array.from({ length: 25 }, (_, i) => store.appendToStream(`s-${i}`, [newEvent()], { expectedRevision: 'no_stream' })));

      expect(store.groupCommitStats()).toEqual({ commits: before.commits + 1, appends: before.appends + 25 });
      expect(await store.headPosition()).toBe(25);
    });

    it('splits a queue longer than maxGroupSize over several commits, all of them written', async () => {
      const store = openStore({ maxGroupSize: 10 });

      await Promise.all(Array.from({ length: 25 }, (_, i) => store.appendToStream(`s-${i}`, [newEvent()], { expectedRevision: 'no_stream' })));

      expect(store.groupCommitStats()).toEqual({ commits: 3, appends: 25 });
      expect(await collect(store.readAll())).toHaveLength(25);
    });

    it('settles no append of a group before its commit, and makes them visible to another connection when they settle', async () => {
      const store = openStore();
      const other = new Database(filename, { readonly: true });
      try {
        const count = other.prepare('SELECT COUNT(*) FROM events').pluck();
        const seen: number[] = [];
        const appends = Array.from({ length: 5 }, (_, i) =>
          store.appendToStream(`s-${i}`, [newEvent()], { expectedRevision: 'no_stream' }).then(() => void seen.push(count.get() as number)),
        );
        expect(count.get()).toBe(0); // queued, not yet written

        await Promise.all(appends);

        expect(seen).toEqual([5, 5, 5, 5, 5]);
      } finally {
        other.close();
      }
    });

    it('chains a stream appended twice in one group in call order, and the chain verifies', async () => {
      const store = openStore();

      const [first, , second] = await Promise.all([
        store.appendToStream('refreshToken-1', [newEvent('Issued')], { expectedRevision: 'no_stream' }),
        store.appendToStream('refreshToken-2', [newEvent('Issued')], { expectedRevision: 'no_stream' }),
        store.appendToStream('refreshToken-1', [newEvent('Revoked'), newEvent('Noted')], { expectedRevision: 0 }),
      ]);

      expect(store.groupCommitStats().commits).toBe(1);
      expect([first.nextExpectedRevision, second.nextExpectedRevision]).toEqual([0, 2]);
      const chain = await store.readStream('refreshToken-1');
      expect(chain.map((e) => e.type)).toEqual(['Issued', 'Revoked', 'Noted']);
      expect(chain[0].prevHash).toBe(GENESIS_HASH);
      for (const [i, event] of chain.entries()) {
        if (i > 0) expect(event.prevHash).toBe(chain[i - 1].hash);
        expect(event.hash).toBe(computeEventHash(event.prevHash, event));
      }
    });

    it('rolls back only the failing append of a group, whatever it threw', async () => {
      const store = openStore();
      const unserialisable = { ...newEvent(), data: { n: 1n } as unknown as Record<string, unknown> };

      const outcomes = await Promise.allSettled([
        store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' }),
        store.appendToStream('s-2', [newEvent(), unserialisable], { expectedRevision: 'no_stream' }),
        store.appendToStream('s-3', [newEvent()], { expectedRevision: 'no_stream' }),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(store.groupCommitStats().commits).toBe(1);
      expect(await store.readStream('s-2')).toEqual([]);
      expect((await collect(store.readAll())).map((e) => e.streamId)).toEqual(['s-1', 's-3']);
    });

    it('commits what is queued when closed, and refuses appends after', async () => {
      const store = openStore();
      const queued = store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' });

      await store.close();

      await expect(queued).resolves.toMatchObject({ nextExpectedRevision: 0 });
      await expect(store.appendToStream('s-2', [newEvent()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
      const reopened = openStore();
      expect(await reopened.readStream('s-1')).toHaveLength(1);
    });
  });

  describe('reading at scale', () => {
    it('streams a large log page by page, in order, with maxCount and prefixes', async () => {
      const store = openStore({ pageSize: 700 });
      const batch = (stream: string, n: number): NewEvent[] => Array.from({ length: n }, () => newEvent('Bulk', { stream }));
      for (let i = 0; i < 10; i++) {
        await store.appendToStream(`refreshToken-${i}`, batch('t', 1500), { expectedRevision: 'no_stream' });
        await store.appendToStream(`client-${i}`, batch('c', 500), { expectedRevision: 'no_stream' });
      }

      let count = 0;
      let last = 0;
      for await (const event of store.readAll({ streamPrefixes: ['refreshToken-'] })) {
        expect(event.position).toBeGreaterThan(last);
        last = event.position;
        count++;
      }
      expect(count).toBe(15_000);
      expect(await collect(store.readAll({ after: 1499, maxCount: 1001 }))).toHaveLength(1001);
      expect(await store.headPosition()).toBe(20_000);
    });

    it('catches a subscription up across many pages, then follows live', async () => {
      const store = openStore({ pageSize: 50 });
      await store.appendToStream('refreshToken-1', Array.from({ length: 420 }, () => newEvent()), { expectedRevision: 'no_stream' });
      await store.appendToStream('client-1', Array.from({ length: 300 }, () => newEvent()), { expectedRevision: 'no_stream' });
      let delivered = 0;
      let lastRevision = -1;
      let caughtUp = 0;
      store.subscribeToAll({
        streamPrefixes: ['refreshToken-'],
        onEvent: (event) => {
          expect(event.revision).toBe(lastRevision + 1);
          lastRevision = event.revision;
          delivered++;
        },
        onCaughtUp: () => caughtUp++,
      });
      await waitFor(() => caughtUp === 1);
      expect(delivered).toBe(420);

      await store.appendToStream('refreshToken-1', [newEvent()], { expectedRevision: 419 });
      await waitFor(() => delivered === 421 && caughtUp === 2);
    });
  });

  describe('bulk reads for replays (readPages)', () => {
    it('reads pages of the asked size up to a position, filtered by prefix, each event with its stored text', async () => {
      const store = openStore();
      for (let i = 0; i < 5; i++) {
        await store.appendToStream(`refreshToken-${i}`, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
        await store.appendToStream(`client-${i}`, [newEvent()], { expectedRevision: 'no_stream' });
      }
      const pages = await collect(store.readPages({ after: 1, untilPosition: 13, streamPrefixes: ['refreshToken-'], pageSize: 3 }));
      expect(pages.map((page) => page.length)).toEqual([3, 3, 2]);
      const events = pages.flat();
      expect(events.map((e) => e.position)).toEqual([2, 4, 5, 7, 8, 10, 11, 13]);
      expect(events.every((e) => e.streamId.startsWith('refreshToken-'))).toBe(true);
      const byReadAll = (await collect(store.readAll({ after: 1, streamPrefixes: ['refreshToken-'] }))).filter((e) => e.position <= 13);
      expect(events.map(({ storedData: _d, storedMetadata: _m, ...event }) => event)).toEqual(byReadAll);
      expect(JSON.parse(events[0].storedData)).toEqual(events[0].data);
    });

    it('stores data and metadata as canonical JSON, so the hash checks over the stored text', async () => {
      const store = openStore();
      const event = newEvent('Issued', { zeta: 1, alpha: { y: [2, { b: 1, a: 0 }], x: 'é"\n' }, skipped: undefined });
      await store.appendToStream('refreshToken-1', [event], { expectedRevision: 'no_stream' });
      const [stored] = (await collect(store.readPages({ pageSize: 10 }))).flat();
      expect(stored.storedData).toBe('{"alpha":{"x":"é\\"\\n","y":[2,{"a":0,"b":1}]},"zeta":1}');
      expect(stored.storedData).toBe(canonicalJson(stored.data));
      expect(stored.storedMetadata).toBe(canonicalJson(stored.metadata));
      expect(hashStoredContent(stored.prevHash, { ...stored, data: stored.storedData, metadata: stored.storedMetadata })).toBe(stored.hash);
      expect(computeEventHash(stored.prevHash, stored)).toBe(stored.hash);
      expect(eventHashMatches(stored, { data: stored.storedData, metadata: stored.storedMetadata }).matches).toBe(true);
    });

    it('checks a log written before the text was canonical by the canonical form, and still catches a changed byte', async () => {
      const store = openStore();
      await store.appendToStream('refreshToken-1', [newEvent('Issued', { b: 1, a: 2 })], { expectedRevision: 'no_stream' });
      const [stored] = (await collect(store.readPages({ pageSize: 10 }))).flat();
      const insertionOrder = { data: JSON.stringify({ b: 1, a: 2 }), metadata: stored.storedMetadata };
      expect(eventHashMatches(stored, insertionOrder).matches).toBe(true);
      const changed = { ...stored, data: { b: 1, a: 3 } };
      expect(eventHashMatches(changed, { data: JSON.stringify({ b: 1, a: 3 }), metadata: stored.storedMetadata }).matches).toBe(false);
    });
  });

  describe('idempotency and ids', () => {
    it('returns the original position for a retried append', async () => {
      const store = openStore();
      const events = [newEvent(), newEvent()];
      const original = await store.appendToStream('s-1', events, { expectedRevision: 'no_stream' });
      await store.appendToStream('s-2', [newEvent()], { expectedRevision: 'no_stream' });

      expect(await store.appendToStream('s-1', events, { expectedRevision: 'no_stream' })).toEqual(original);
      // A prefix of the original batch is also already done.
      expect(await store.appendToStream('s-1', [events[0]], { expectedRevision: 'no_stream' })).toEqual({
        nextExpectedRevision: 0,
        position: original.position - 1,
      });
      expect(await store.headPosition()).toBe(original.position + 1);
    });

    it('refuses a retried batch at a different expected revision with ConcurrencyError', async () => {
      const store = openStore();
      const events = [newEvent()];
      await store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' });
      await store.appendToStream('s-1', events, { expectedRevision: 0 });

      await expect(store.appendToStream('s-1', events, { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        code: 'CONCURRENCY',
      });
      await expect(store.appendToStream('s-1', events, { expectedRevision: 1 })).rejects.toMatchObject({
        code: 'CONCURRENCY',
      });
    });

    it('refuses an event id already recorded in another stream with ConcurrencyError naming it', async () => {
      const store = openStore();
      const event = newEvent();
      await store.appendToStream('s-1', [event], { expectedRevision: 'no_stream' });

      const attempt = store.appendToStream('s-2', [newEvent(), event], { expectedRevision: 'no_stream' });

      await expect(attempt).rejects.toMatchObject({ code: 'CONCURRENCY', name: 'ConcurrencyError' });
      await expect(attempt).rejects.toThrow(`event id ${event.id} already recorded in stream s-1 at revision 0`);
      expect(await store.readStream('s-2')).toEqual([]);
    });

    it('refuses the same id twice in one append, and a negative revision, as caller errors', async () => {
      const store = openStore();
      const event = newEvent();

      await expect(store.appendToStream('s-1', [event, event], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(TypeError);
      await expect(store.appendToStream('s-1', [newEvent()], { expectedRevision: -1 })).rejects.toBeInstanceOf(TypeError);
      expect(await store.headPosition()).toBe(0);
    });

    it('checks the expected revision for an empty append without writing', async () => {
      const store = openStore();
      expect(await store.appendToStream('s-1', [], { expectedRevision: 'no_stream' })).toEqual({
        nextExpectedRevision: -1,
        position: 0,
      });
      const written = await store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' });
      expect(await store.appendToStream('s-1', [], { expectedRevision: 0 })).toEqual(written);
      await expect(store.appendToStream('s-1', [], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        code: 'CONCURRENCY',
      });
    });
  });

  describe('when the store cannot serve', () => {
    it('maps a lock held by another connection past busyTimeoutMs to EventStoreUnavailableError', async () => {
      const store = openStore({ busyTimeoutMs: 50 });
      const other = new Database(filename);
      try {
        other.exec('BEGIN IMMEDIATE');
        await expect(store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
          code: 'EVENT_STORE_UNAVAILABLE',
        });
        other.exec('ROLLBACK');
        await expect(store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' })).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
      } finally {
        other.close();
      }
    });

    it('answers EventStoreUnavailableError once closed, and close() waits for running handlers', async () => {
      const store = openStore();
      await store.appendToStream('s-1', [newEvent()], { expectedRevision: 'no_stream' });
      let finished = false;
      let entered = false;
      store.subscribeToAll({
        onEvent: async () => {
          entered = true;
          await new Promise((resolve) => setTimeout(resolve, 50));
          finished = true;
        },
      });
      await waitFor(() => entered);

      await store.close();

      expect(finished).toBe(true);
      const unavailable = { code: 'EVENT_STORE_UNAVAILABLE' };
      await expect(store.appendToStream('s-1', [newEvent()], { expectedRevision: 0 })).rejects.toMatchObject(unavailable);
      await expect(store.readStream('s-1')).rejects.toMatchObject(unavailable);
      await expect(store.headPosition()).rejects.toMatchObject(unavailable);
      await expect(collect(store.readAll())).rejects.toMatchObject(unavailable);
      expect(() => store.subscribeToAll({ onEvent: () => undefined })).toThrow(expect.objectContaining(unavailable));
      await store.close();
    });

    it('maps a file that cannot be opened to EventStoreUnavailableError', () => {
      const notADirectory = join(dir, 'file');
      writeFileSync(notADirectory, 'not a directory');
      expect(() => new SqliteEventStore({ filename: join(notADirectory, 'events.db') })).toThrow(
        expect.objectContaining({ code: 'EVENT_STORE_UNAVAILABLE' }),
      );
    });
  });
});
