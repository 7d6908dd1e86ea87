/**
 * One contract for where the relay keeps its checkpoint and who may publish:
 * the checkpoint part against both stores (relay.sqlite in DATA_DIR, and the
 * lease stream on the log), the lease part against the log on both event
 * stores (SQLite, and EventStoreDB: the in-repo test double, or a real
 * server when EVENTSTORE_CONNECTION_STRING is set).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@app/event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../../tools/eventstoredb-double/eventstoredb-double';
import type { CheckpointStore } from '../checkpoint-store';
import { SqliteCheckpointStore } from '../sqlite-checkpoint-store';
import { LogRelayLease } from './log-relay-lease';

const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
let double: EventStoreDbDouble | undefined;
let connectionString: string;
const dir = mkdtempSync(join(tmpdir(), 'relay-coordination-'));

beforeAll(async () => {
  if (realServer) connectionString = realServer;
  else {
    double = await startEventStoreDbDouble();
    connectionString = double.connectionString;
  }
});
afterAll(async () => {
  await double?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Backing = { open(): CheckpointStore; close(): Promise<void> };

/** A log (event store) to hold lease streams: opened once per test, closed after. */
const logs: Record<string, () => EventStore> = {
  sqlite: () => new SqliteEventStore({ filename: join(dir, `events-${randomUUID()}.sqlite`) }),
  [realServer ? 'eventstoredb (real server)' : 'eventstoredb (test double)']: () =>
    new EventStoreDbEventStore({ connectionString, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } }),
};

/** A backing shared by every store a test opens on it: a file, or a lease stream of one log. */
const checkpointBackings: Record<string, () => Backing> = {
  'relay.sqlite in DATA_DIR (SqliteCheckpointStore)': () => {
    const file = join(dir, `relay-${randomUUID()}.sqlite`);
    const opened: SqliteCheckpointStore[] = [];
    return {
      open: () => {
        const store = new SqliteCheckpointStore({ filename: file });
        opened.push(store);
        return store;
      },
      close: async () => void (await Promise.all(opened.map((s) => s.close()))),
    };
  },
  ...Object.fromEntries(
    Object.entries(logs).map(([name, openLog]) => [
      `the lease stream on ${name} (LogRelayLease)`,
      (): Backing => {
        const log = openLog();
        const streamId = `revocationRelay-test.${randomUUID()}`;
        return {
          // A checkpoint on the log is saved by the lease holder only: each store takes it first.
          open: () => {
            const lease = new LogRelayLease({ store: log, streamId, leaseMs: 60_000 });
            return {
              load: () => lease.load(),
              save: async (name, position) => {
                await lease.tryAcquire();
                await lease.save(name, position);
                await lease.release();
              },
            };
          },
          close: () => log.close(),
        };
      },
    ]),
  ),
};

describe.each(Object.keys(checkpointBackings))('checkpoint store contract: %s', (name) => {
  let backing: Backing;
  beforeEach(() => {
    backing = checkpointBackings[name]();
  });
  afterEach(() => backing.close());

  it('has no checkpoint before the first save', async () => {
    expect(await backing.open().load('revocation-relay')).toBeUndefined();
  });

  it('loads the position saved last', async () => {
    const store = backing.open();
    await store.save('revocation-relay', 10);
    await store.save('revocation-relay', 42);
    expect(await store.load('revocation-relay')).toBe(42);
  });

  it('never moves a checkpoint backwards', async () => {
    const store = backing.open();
    await store.save('revocation-relay', 42);
    await store.save('revocation-relay', 7);
    expect(await store.load('revocation-relay')).toBe(42);
  });

  it('is found by a store opened afterwards on the same backing (a replaced relay resumes from it)', async () => {
    await backing.open().save('revocation-relay', 99);
    expect(await backing.open().load('revocation-relay')).toBe(99);
  });
});

describe.each(Object.keys(logs))('relay lease contract on %s', (name) => {
  let log: EventStore;
  let streamId: string;
  /** One fake monotonic clock for both candidates (the lease compares no clocks across processes, so one is enough). */
  let now: number;
  const candidate = (holder: string) => new LogRelayLease({ store: log, streamId, holder, leaseMs: 1_000, now: () => now });

  beforeEach(() => {
    log = logs[name]();
    streamId = `revocationRelay-test.${randomUUID()}`;
    now = 0;
  });
  afterEach(() => log.close());

  it('is granted at once to the first candidate, which may then publish', async () => {
    const a = candidate('a');
    expect(await a.tryAcquire()).toBe(true);
    expect(a.isHeld()).toBe(true);
  });

  it('is refused to a second candidate while the holder renews it', async () => {
    const [a, b] = [candidate('a'), candidate('b')];
    await a.tryAcquire();
    for (let i = 0; i < 5; i++) {
      expect(await b.tryAcquire()).toBe(false);
      now += 400;
      expect(await a.tryAcquire()).toBe(true);
    }
    expect(b.isHeld()).toBe(false);
  });

  it('goes to the stand-by once the holder stopped renewing for a whole lease, counted from when the stand-by saw it', async () => {
    const [a, b] = [candidate('a'), candidate('b')];
    await a.tryAcquire();
    expect(await b.tryAcquire()).toBe(false); // sees the holder's revision now
    now += 999;
    expect(await b.tryAcquire()).toBe(false);
    now += 1;
    expect(await b.tryAcquire()).toBe(true);
    expect(b.isHeld()).toBe(true);
  });

  it('stops the old holder publishing before the stand-by may take over', async () => {
    const [a, b] = [candidate('a'), candidate('b')];
    await a.tryAcquire();
    await b.tryAcquire();
    now += 750; // a quarter of a lease before its end, by its own clock
    expect(a.isHeld()).toBe(false);
    expect(await b.tryAcquire()).toBe(false); // the stand-by still waits
  });

  it('fences the old holder once taken over: its checkpoint save fails with RELAY_LEASE_LOST and its renewal is refused', async () => {
    const [a, b] = [candidate('a'), candidate('b')];
    await a.tryAcquire();
    await a.save('revocation-relay', 5);
    await b.tryAcquire();
    now += 1_000;
    expect(await b.tryAcquire()).toBe(true);
    await b.save('revocation-relay', 8);

    now -= 500; // a paused holder that believes its lease still runs
    await expect(a.save('revocation-relay', 100)).rejects.toMatchObject({ code: 'RELAY_LEASE_LOST' });
    expect(await a.tryAcquire()).toBe(false);
    expect(a.isHeld()).toBe(false);
    expect(await b.load()).toBe(8);
  });

  it('hands over at once when released, with the checkpoint the holder saved', async () => {
    const [a, b] = [candidate('a'), candidate('b')];
    await a.tryAcquire();
    await a.save('revocation-relay', 12);
    await a.release();
    expect(a.isHeld()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    expect(await b.load()).toBe(12);
  });

  it('lets exactly one of two candidates win a free lease at the same moment', async () => {
    const [a, b] = [candidate('a'), candidate('b')];
    const won = await Promise.all([a.tryAcquire(), b.tryAcquire()]);
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
