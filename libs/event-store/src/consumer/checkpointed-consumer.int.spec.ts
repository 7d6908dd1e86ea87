import { randomUUID } from 'node:crypto';
import { silentLogger } from '@app/shared';
import type { RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { CheckpointedConsumer, type CheckpointedHandler } from './checkpointed-consumer';

/** A handler that records what it was handed and keeps its checkpoint in memory (saved with each batch). */
class RecordingHandler implements CheckpointedHandler {
  readonly name = 'recording';
  readonly streamPrefixes = ['thing-'];
  saved = 0;
  batches: number[][] = [];
  failNext = 0;
  loadCheckpoint(): number {
    return this.saved;
  }
  handle(events: readonly RecordedEvent[]): number {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('handler failed');
    }
    this.batches.push(events.map((e) => e.position));
    this.saved = events[events.length - 1].position;
    return this.saved;
  }
  get handled(): number[] {
    return this.batches.flat();
  }
}

describe('CheckpointedConsumer over the SQLite event store', () => {
  let store: SqliteEventStore;
  let consumers: CheckpointedConsumer[];

  beforeEach(() => {
    store = new SqliteEventStore({ filename: ':memory:', pollIntervalMs: 10 });
    consumers = [];
  });
  afterEach(async () => {
    for (const consumer of consumers) await consumer.stop();
    await store.close();
  });

  const append = async (streamId: string): Promise<number> =>
    (
      await store.appendToStream(streamId, [{ id: randomUUID(), type: 'Happened', data: {}, metadata: { actor: 'test', occurredAt: new Date().toISOString() } }], {
        expectedRevision: (await store.readLastEvent(streamId))?.revision ?? 'no_stream',
      })
    ).position;

  function consumer(handler: CheckpointedHandler, batchSize = 3): CheckpointedConsumer {
    const c = new CheckpointedConsumer(store, handler, { batchSize, backoff: { initialMs: 5, maxMs: 20 }, logger: silentLogger });
    consumers.push(c);
    return c;
  }

  it('resumes after the saved checkpoint, catches up in batches of its streams only, then follows live', async () => {
    const positions: number[] = [];
    for (let i = 0; i < 8; i++) positions.push(await append(`thing-${i}`));
    await append('other-1');
    const handler = new RecordingHandler();
    handler.saved = positions[1];
    const c = consumer(handler);

    c.start();
    await c.caughtUp;
    expect(handler.handled).toEqual(positions.slice(2));
    expect(handler.batches.every((batch) => batch.length <= 3)).toBe(true);
    expect(c.status()).toMatchObject({ state: 'live', caughtUp: true, position: positions[7], failures: 0 });
    expect(await c.lag()).toBe(0);

    const live = await append('thing-live');
    await expect(c.waitForPosition(live, 5000)).resolves.toBe(true);
    expect(handler.handled.at(-1)).toBe(live);
  });

  it('after a handler failure backs off and hands over again from the saved checkpoint: nothing lost, nothing skipped', async () => {
    const first = await append('thing-a');
    const handler = new RecordingHandler();
    const c = consumer(handler);
    c.start();
    await c.caughtUp;

    handler.failNext = 2;
    const second = await append('thing-b');
    const third = await append('thing-c');
    await expect(c.waitForPosition(third, 5000)).resolves.toBe(true);

    expect(handler.handled).toEqual([first, second, third]);
    expect(c.status()).toMatchObject({ failures: 2, lastError: 'Error: handler failed', position: third });
  });

  it('live, hands a burst of appends committed together over as one batch, and releases waiters only after the handler returned', async () => {
    const handler = new RecordingHandler();
    const c = consumer(handler, 500);
    c.start();
    await c.caughtUp;
    const released: number[] = [];
    const seenByHandler: number[][] = [];
    const handle = handler.handle.bind(handler);
    handler.handle = (events) => {
      seenByHandler.push([...released]);
      return handle(events);
    };

    // Concurrent appends share one group commit: the subscription reads them as one page.
    const burst = Array.from({ length: 20 }, (_, i) => append(`thing-burst-${i}`));
    const waits = burst.map(async (appended) => {
      const position = await appended;
      if (await c.waitForPosition(position, 5000)) released.push(position);
    });
    const positions = await Promise.all(burst);
    await Promise.all(waits);

    expect(handler.handled).toEqual([...positions].sort((a, b) => a - b));
    expect(handler.batches).toHaveLength(1);
    expect(seenByHandler).toEqual([[]]);
    expect(released.sort((a, b) => a - b)).toEqual([...positions].sort((a, b) => a - b));
  });

  it('reports lag only for events of its own streams', async () => {
    const handler = new RecordingHandler();
    const c = consumer(handler);
    await append('other-1');
    expect(await c.lag()).toBe(0);
    const mine = await append('thing-1');
    expect(await c.lag()).toBe(mine);
  });
});
