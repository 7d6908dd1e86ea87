import { type EventStore, SqliteEventStore } from '@app/event-store';
import { ProjectionRunner, ReadModel, ReadModelProjection } from '@app/read-model';
import { clientRegistered, newEvent, streamOf } from '@app/read-model/testing/credential-events.fixtures';
import { silentLogger } from '@app/shared/logger';
import { ProjectionSync } from './projection-sync';

/** Counts the events `readAll` hands out: what a catch-up costs the store. */
function countReadAll(store: EventStore): { read: number } {
  const counter = { read: 0 };
  const original = store.readAll.bind(store);
  store.readAll = (options) =>
    (async function* () {
      for await (const event of original(options)) {
        counter.read++;
        yield event;
      }
    })();
  return counter;
}

describe('ProjectionSync.catchUpToHead (real SQLite store and projection)', () => {
  let store: SqliteEventStore;
  let readModel: ReadModel;
  let runner: ProjectionRunner;

  beforeEach(() => {
    store = new SqliteEventStore({ filename: ':memory:' });
    readModel = new ReadModel({ filename: ':memory:' });
    runner = new ProjectionRunner(store, new ReadModelProjection(readModel, { logger: silentLogger }), { logger: silentLogger });
  });
  afterEach(async () => {
    await runner.stop();
    readModel.close();
    await store.close();
  });

  const register = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const event = clientRegistered(`app_${i}`);
      await store.appendToStream(streamOf(event), [newEvent(event)], { expectedRevision: 'no_stream' });
    }
  };

  it('resolves once every projected event up to the head is applied, when the head is an event it never applies (a relay checkpoint)', async () => {
    await register(3);
    runner.start();
    await runner.caughtUp;
    await store.appendToStream('relayCheckpoint-x', [{ id: 'e1a2b3c4-0000-4000-8000-000000000001', type: 'Checkpoint', data: {}, metadata: { actor: 'system', occurredAt: new Date().toISOString() } }], {
      expectedRevision: 'no_stream',
    });
    const sync = new ProjectionSync(runner, store, 200);
    await expect(sync.catchUpToHead()).resolves.toBeUndefined();
  });

  it('answers EVENT_STORE_UNAVAILABLE (503), never a wrong negative, when the projection does not reach the head in time', async () => {
    await register(1);
    const sync = new ProjectionSync(runner, store, 50); // the runner is not started: it never gets there
    await expect(sync.catchUpToHead()).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
  });

  it('catches up past 2000 unapplied events reading a handful of them, not every event up to the head', async () => {
    await register(2000);
    const counter = countReadAll(store);
    runner.start();
    const sync = new ProjectionSync(runner, store, 10_000);
    await sync.catchUpToHead();
    expect(runner.position()).toBe(await store.headPosition());
    expect(counter.read).toBeLessThan(20);
  });
});
