import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventStore, ExpectedRevision, NewEvent, RecordedEvent, Subscription } from '../event-store.port';
import { computeEventHash, GENESIS_HASH } from '../integrity';

/**
 * The behaviour every EventStore adapter must show, as one Jest `describe`
 * block. An adapter's int spec calls it with a factory:
 *
 * ```ts
 * describeEventStoreContract('sqlite', async () => {
 *   const store = new SqliteEventStore({ filename: tmpFile() });
 *   return { store, cleanup: () => store.close() };
 * });
 * ```
 *
 * The suite also runs against a shared, real server with data in it: each test
 * writes to streams of its own (random prefix), filters reads by that prefix,
 * and takes positions relative to `headPosition()` read at its start; it never
 * assumes the log is empty or that nobody else appends meanwhile.
 */
export function describeEventStoreContract(
  adapterName: string,
  factory: () => Promise<{ store: EventStore; cleanup(): Promise<void> }>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    /** Unique per test: `c<8 hex>-`; every stream of the test starts with it. */
    let prefix: string;
    let headAtStart: number;
    const subscriptions: Subscription[] = [];

    const stream = (name: string): string => `${prefix}${name}`;
    /** The expectation of an append after whatever the stream holds. */
    const revisionOf = async (streamId: string): Promise<ExpectedRevision> => (await store.readLastEvent(streamId))?.revision ?? 'no_stream';
    const subscribe = (options: Parameters<EventStore['subscribeToAll']>[0]): Subscription => {
      const subscription = store.subscribeToAll(options);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      prefix = `c${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
      headAtStart = await store.headPosition();
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
      await cleanup();
    });

    describe('appendToStream', () => {
      it("creates a stream with 'no_stream' and reports revision 0 and the event's position", async () => {
        const result = await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

        expect(result.nextExpectedRevision).toBe(0);
        expect(result.position).toBeGreaterThan(headAtStart);
        const [recorded] = await store.readStream(stream('a'));
        expect(recorded.position).toBe(result.position);
      });

      it("refuses 'no_stream' when the stream exists", async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

        await expectConcurrencyError(store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' }));
        expect(await store.readStream(stream('a'))).toHaveLength(1);
      });

      it('refuses an exact revision on a missing stream', async () => {
        await expectConcurrencyError(store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 }));
        expect(await store.readStream(stream('a'))).toEqual([]);
      });

      it('refuses a stale exact revision and one ahead of the stream', async () => {
        await store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });

        await expectConcurrencyError(store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 }));
        await expectConcurrencyError(store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 5 }));
        expect(await store.readStream(stream('a'))).toHaveLength(2);
      });

      it('appends at the exact current revision and returns the next one', async () => {
        const first = await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
        const second = await store.appendToStream(stream('a'), [newEvent()], {
          expectedRevision: first.nextExpectedRevision,
        });
        const third = await store.appendToStream(stream('a'), [newEvent()], {
          expectedRevision: second.nextExpectedRevision,
        });

        expect([first.nextExpectedRevision, second.nextExpectedRevision, third.nextExpectedRevision]).toEqual([0, 1, 2]);
        expect(second.position).toBeGreaterThan(first.position);
        expect(third.position).toBeGreaterThan(second.position);
      });

      it('reads the last event of a stream in one call, and undefined for a missing stream', async () => {
        expect(await store.readLastEvent(stream('a'))).toBeUndefined();
        await store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
        const last = newEvent();
        await store.appendToStream(stream('a'), [last], { expectedRevision: 1 });

        expect(await store.readLastEvent(stream('a'))).toMatchObject({ id: last.id, revision: 2, streamId: stream('a') });
      });

      it('writes a multi-event append atomically, at consecutive revisions', async () => {
        const events = [newEvent('First'), newEvent('Second'), newEvent('Third')];
        const result = await store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

        const recorded = await store.readStream(stream('a'));
        expect(recorded.map((e) => [e.id, e.revision, e.type])).toEqual([
          [events[0].id, 0, 'First'],
          [events[1].id, 1, 'Second'],
          [events[2].id, 2, 'Third'],
        ]);
        expect(result).toEqual({ nextExpectedRevision: 2, position: recorded[2].position });
      });

      it('writes none of a multi-event append that conflicts', async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

        await expectConcurrencyError(
          store.appendToStream(stream('a'), [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' }),
        );
        expect(await store.readStream(stream('a'))).toHaveLength(1);
      });

      it('treats a retry of the same event ids at the same place as done, writing nothing twice', async () => {
        const events = [newEvent('First'), newEvent('Second')];
        const original = await store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

        const retried = await store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

        expect(retried.nextExpectedRevision).toBe(original.nextExpectedRevision);
        expect((await store.readStream(stream('a'))).map((e) => e.id)).toEqual(events.map((e) => e.id));
      });

      it('treats a retry at an exact revision as done, also after the stream moved on', async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
        const event = newEvent();
        const original = await store.appendToStream(stream('a'), [event], { expectedRevision: 0 });
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 1 });

        const retried = await store.appendToStream(stream('a'), [event], { expectedRevision: 0 });

        expect(retried.nextExpectedRevision).toBe(original.nextExpectedRevision);
        expect(await store.readStream(stream('a'))).toHaveLength(3);
      });

      it('lets exactly one of concurrent appends at the same expected revision win', async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, () => store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 })),
        );

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
          expect(outcome.reason).toMatchObject({ code: 'CONCURRENCY' });
        }
        expect(await store.readStream(stream('a'))).toHaveLength(2);
      });

      it("lets exactly one of concurrent 'no_stream' appends create the stream", async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, () =>
            store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' }),
          ),
        );

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream('a'))).toHaveLength(1);
      });
    });

    describe('concurrent appends (group commit where the adapter has one)', () => {
      it('lets concurrent appends to different streams all succeed, each at its own position', async () => {
        const names = Array.from({ length: 20 }, (_, i) => stream(`g${i}`));

        const results = await Promise.all(names.map((name) => store.appendToStream(name, [newEvent(), newEvent()], { expectedRevision: 'no_stream' })));

        expect(results.map((r) => r.nextExpectedRevision)).toEqual(names.map(() => 1));
        expect(new Set(results.map((r) => r.position)).size).toBe(names.length);
        for (const [i, name] of names.entries()) {
          const recorded = await store.readStream(name);
          expect(recorded).toHaveLength(2);
          expect(recorded[1].position).toBe(results[i].position);
        }
      });

      it('fails a conflicting append alone, the others appended with it succeed', async () => {
        await store.appendToStream(stream('busy'), [newEvent()], { expectedRevision: 'no_stream' });

        const outcomes = await Promise.allSettled([
          store.appendToStream(stream('x1'), [newEvent()], { expectedRevision: 'no_stream' }),
          store.appendToStream(stream('busy'), [newEvent()], { expectedRevision: 3 }),
          store.appendToStream(stream('x2'), [newEvent()], { expectedRevision: 'no_stream' }),
          store.appendToStream(stream('busy'), [newEvent()], { expectedRevision: 0 }),
        ]);

        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
        expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONCURRENCY' });
        expect(await store.readStream(stream('x1'))).toHaveLength(1);
        expect(await store.readStream(stream('x2'))).toHaveLength(1);
        expect(await store.readStream(stream('busy'))).toHaveLength(2);
      });

      it('writes once the same event ids appended concurrently at the same place, answering both with the same result', async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
        const events = [newEvent(), newEvent()];

        const [first, other, second] = await Promise.all([
          store.appendToStream(stream('a'), events, { expectedRevision: 0 }),
          store.appendToStream(stream('b'), [newEvent()], { expectedRevision: 'no_stream' }),
          store.appendToStream(stream('a'), events, { expectedRevision: 0 }),
        ]);

        expect(second).toEqual(first);
        expect(first.nextExpectedRevision).toBe(2);
        expect(other.nextExpectedRevision).toBe(0);
        expect((await store.readStream(stream('a'))).map((e) => e.id).slice(1)).toEqual(events.map((e) => e.id));
      });
    });

    describe('readStream', () => {
      it('returns [] for a stream that does not exist', async () => {
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('returns the events in order with revisions, types, data and metadata as appended', async () => {
        const metadata: EventMetadata = {
          actor: 'admin:alice',
          reason: 'device_lost',
          correlationId: randomUUID(),
          causationId: randomUUID(),
          occurredAt: '2024-05-01T12:00:00.000Z',
        };
        const data = { userId: 'auth0|42', scope: ['openid', 'offline_access'], device: { name: 'Pixel', id: null }, n: 7 };
        const events = [newEvent('Issued', data, metadata), newEvent('Revoked', { reason: 'x' })];
        await store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

        const recorded = await store.readStream(stream('a'));

        expect(recorded).toHaveLength(2);
        expect(recorded[0]).toMatchObject({ id: events[0].id, streamId: stream('a'), revision: 0, type: 'Issued', data, metadata });
        expect(recorded[1]).toMatchObject({ id: events[1].id, streamId: stream('a'), revision: 1, type: 'Revoked' });
        expect(recorded[1].data).toEqual({ reason: 'x' });
        expect(recorded[1].metadata).toEqual(events[1].metadata);
      });

      it('does not mix in events of other streams', async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('ab'), [newEvent()], { expectedRevision: 'no_stream' });

        const recorded = await store.readStream(stream('a'));
        expect(recorded.map((e) => e.streamId)).toEqual([stream('a')]);
      });
    });

    describe('readAll', () => {
      /** Three interleaved streams; returns the appended ids in log order. */
      async function interleave(): Promise<string[]> {
        const ids: string[] = [];
        for (const name of ['tok-1', 'cli-1', 'tok-2', 'tok-1', 'cli-1', 'tok-2', 'tok-1']) {
          const event = newEvent();
          await store.appendToStream(stream(name), [event], { expectedRevision: await revisionOf(stream(name)) });
          ids.push(`${name}:${event.id}`);
        }
        return ids;
      }
      const label = (e: RecordedEvent): string => `${e.streamId.slice(prefix.length)}:${e.id}`;

      it('reads the log in order across interleaved streams', async () => {
        const ids = await interleave();

        const read = await collect(store.readAll({ after: headAtStart, streamPrefixes: [prefix] }));

        expect(read.map(label)).toEqual(ids);
      });

      it('gives positions strictly increasing in log order', async () => {
        await interleave();
        await store.appendToStream(stream('batch'), [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });

        const read = await collect(store.readAll({ after: headAtStart, streamPrefixes: [prefix] }));

        expect(read).toHaveLength(10);
        expect(read[0].position).toBeGreaterThan(headAtStart);
        for (let i = 1; i < read.length; i++) expect(read[i].position).toBeGreaterThan(read[i - 1].position);
      });

      it('keeps only streams starting with one of the prefixes', async () => {
        const ids = await interleave();

        const tokens = await collect(store.readAll({ after: headAtStart, streamPrefixes: [stream('tok-')] }));
        const both = await collect(
          store.readAll({ after: headAtStart, streamPrefixes: [stream('tok-2'), stream('cli-')] }),
        );

        expect(tokens.map(label)).toEqual(ids.filter((id) => id.startsWith('tok-')));
        expect(both.map(label)).toEqual(ids.filter((id) => id.startsWith('tok-2') || id.startsWith('cli-')));
      });

      it('starts strictly after `after`', async () => {
        const ids = await interleave();
        const all = await collect(store.readAll({ after: headAtStart, streamPrefixes: [prefix] }));

        const rest = await collect(store.readAll({ after: all[2].position, streamPrefixes: [prefix] }));

        expect(rest.map(label)).toEqual(ids.slice(3));
      });

      it('stops after maxCount events', async () => {
        const ids = await interleave();

        const firstTwo = await collect(store.readAll({ after: headAtStart, streamPrefixes: [prefix], maxCount: 2 }));
        const firstTwoTokens = await collect(
          store.readAll({ after: headAtStart, streamPrefixes: [stream('tok-')], maxCount: 2 }),
        );

        expect(firstTwo.map(label)).toEqual(ids.slice(0, 2));
        expect(firstTwoTokens.map(label)).toEqual(ids.filter((id) => id.startsWith('tok-')).slice(0, 2));
      });

      it('returns the same events as readStream', async () => {
        await interleave();

        const fromAll = await collect(store.readAll({ after: headAtStart, streamPrefixes: [stream('tok-1')] }));

        expect(fromAll).toEqual(await store.readStream(stream('tok-1')));
      });
    });

    describe('hash chain (integrity.ts)', () => {
      it('chains each stream from GENESIS_HASH, each event hashing its content and its predecessor', async () => {
        await store.appendToStream(stream('a'), [newEvent('One', { n: 1 }), newEvent('Two', { n: 2 })], {
          expectedRevision: 'no_stream',
        });
        await store.appendToStream(stream('b'), [newEvent('Other')], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('a'), [newEvent('Three', { nested: { z: 1, a: [1, 2] } })], {
          expectedRevision: 1,
        });

        const recorded = await store.readStream(stream('a'));

        expect(recorded).toHaveLength(3);
        expect(recorded[0].prevHash).toBe(GENESIS_HASH);
        for (let i = 1; i < recorded.length; i++) expect(recorded[i].prevHash).toBe(recorded[i - 1].hash);
        for (const event of recorded) {
          expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(event.hash).toBe(computeEventHash(event.prevHash, event));
        }
        const [other] = await store.readStream(stream('b'));
        expect(other.prevHash).toBe(GENESIS_HASH);
        expect(other.hash).toBe(computeEventHash(GENESIS_HASH, other));
      });
    });

    describe('subscribeToAll', () => {
      /** Subscribes with this test's prefix, recording deliveries and catch-ups. */
      function record(options: { after?: number; streamPrefixes?: string[]; onEvent?: (e: RecordedEvent) => Promise<void> }) {
        const seen: RecordedEvent[] = [];
        let caughtUp = 0;
        const errors: Error[] = [];
        const subscription = subscribe({
          after: options.after,
          streamPrefixes: options.streamPrefixes ?? [prefix],
          onEvent: async (event) => {
            await options.onEvent?.(event);
            seen.push(event);
          },
          onCaughtUp: () => {
            caughtUp++;
          },
          onError: (error) => errors.push(error),
        });
        return { seen, errors, subscription, caughtUp: () => caughtUp };
      }

      it('replays from the beginning when `after` is omitted, then reports caught up', async () => {
        await store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('b'), [newEvent()], { expectedRevision: 'no_stream' });

        const { seen, caughtUp, errors } = record({});

        await waitFor(() => caughtUp() > 0);
        expect(seen.map((e) => [e.streamId, e.revision])).toEqual([
          [stream('a'), 0],
          [stream('a'), 1],
          [stream('b'), 0],
        ]);
        expect(errors).toEqual([]);
      });

      it('starts strictly after a given position', async () => {
        const first = await store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 1 });

        const { seen, caughtUp } = record({ after: first.position });

        await waitFor(() => caughtUp() > 0);
        expect(seen.map((e) => e.revision)).toEqual([2]);
      });

      it('delivers only streams matching the prefixes', async () => {
        await store.appendToStream(stream('tok-1'), [newEvent()], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('cli-1'), [newEvent()], { expectedRevision: 'no_stream' });

        const { seen, caughtUp } = record({ after: headAtStart, streamPrefixes: [stream('tok-')] });
        await waitFor(() => caughtUp() > 0);
        await store.appendToStream(stream('cli-1'), [newEvent()], { expectedRevision: 0 });
        await store.appendToStream(stream('tok-1'), [newEvent()], { expectedRevision: 0 });

        await waitFor(() => seen.length >= 2);
        await sleep(150);
        expect(seen.map((e) => [e.streamId, e.revision])).toEqual([
          [stream('tok-1'), 0],
          [stream('tok-1'), 1],
        ]);
      });

      it('follows events appended after it caught up, live', async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
        const { seen, caughtUp } = record({ after: headAtStart });
        await waitFor(() => caughtUp() > 0);
        expect(seen).toHaveLength(1);

        const live = await store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 0 });
        await store.appendToStream(stream('b'), [newEvent()], { expectedRevision: 'no_stream' });

        await waitFor(() => seen.length === 4);
        expect(seen.map((e) => [e.streamId, e.revision])).toEqual([
          [stream('a'), 0],
          [stream('a'), 1],
          [stream('a'), 2],
          [stream('b'), 0],
        ]);
        expect(seen[2].position).toBe(live.position);
        await waitFor(() => caughtUp() > 1);
      });

      it('reports caught up on an empty selection too', async () => {
        const { caughtUp, seen } = record({ after: headAtStart });

        await waitFor(() => caughtUp() > 0);
        expect(seen).toEqual([]);
      });

      it('delivers one event at a time, in log order, waiting for a slow handler', async () => {
        for (let i = 0; i < 4; i++) {
          await store.appendToStream(stream(`s${i % 2}`), [newEvent(), newEvent()], { expectedRevision: await revisionOf(stream(`s${i % 2}`)) });
        }
        const expected = await collect(store.readAll({ after: headAtStart, streamPrefixes: [prefix] }));
        let running = 0;
        let maxRunning = 0;

        const { seen } = record({
          after: headAtStart,
          onEvent: async (event) => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            await sleep(event.revision % 2 === 0 ? 15 : 1);
            running--;
          },
        });
        await store.appendToStream(stream('s0'), [newEvent()], { expectedRevision: 3 });

        await waitFor(() => seen.length === 9);
        expect(maxRunning).toBe(1);
        expect(seen.slice(0, 8).map((e) => e.id)).toEqual(expected.map((e) => e.id));
        for (let i = 1; i < seen.length; i++) expect(seen[i].position).toBeGreaterThan(seen[i - 1].position);
      });

      it('stops delivering once stop() resolved, and stop() waits for the running handler', async () => {
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
        let handlerRunning = false;
        let entered = false;
        const { seen, subscription } = record({
          after: headAtStart,
          onEvent: async () => {
            handlerRunning = true;
            entered = true;
            await sleep(100);
            handlerRunning = false;
          },
        });
        await waitFor(() => entered);

        await subscription.stop();

        expect(handlerRunning).toBe(false);
        const delivered = seen.length;
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 });
        await sleep(300);
        expect(seen.length).toBe(delivered);
        expect(delivered).toBeLessThanOrEqual(1);
      });

      it('stops and calls onError when the handler fails', async () => {
        await store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
        const failure = new Error('projection broke');
        let calls = 0;
        const errors: Error[] = [];
        subscribe({
          after: headAtStart,
          streamPrefixes: [prefix],
          onEvent: () => {
            calls++;
            throw failure;
          },
          onError: (error) => errors.push(error),
        });

        await waitFor(() => errors.length > 0);
        await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 1 });
        await sleep(200);
        expect(calls).toBe(1);
        expect(errors).toEqual([failure]);
      });

      it('lets several subscriptions follow the log independently', async () => {
        const fast = record({ after: headAtStart });
        const slow = record({ after: headAtStart, onEvent: () => sleep(5) });
        await store.appendToStream(stream('a'), [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });

        await waitFor(() => fast.seen.length === 3 && slow.seen.length === 3);
        expect(slow.seen.map((e) => e.id)).toEqual(fast.seen.map((e) => e.id));
      });
    });

    describe('headPosition', () => {
      it('is at least the position of the last acknowledged append, and never goes back', async () => {
        expect(headAtStart).toBeGreaterThanOrEqual(0);
        const first = await store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
        const afterFirst = await store.headPosition();
        const second = await store.appendToStream(stream('b'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
        const afterSecond = await store.headPosition();

        expect(afterFirst).toBeGreaterThanOrEqual(first.position);
        expect(afterSecond).toBeGreaterThanOrEqual(second.position);
        expect(afterSecond).toBeGreaterThan(afterFirst);
      });
    });
  });
}

function newEvent(
  type = 'TestEvent',
  data: Record<string, unknown> = { value: randomUUID() },
  metadata: EventMetadata = { actor: 'contract-test', occurredAt: new Date().toISOString() },
): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

async function expectConcurrencyError(append: Promise<unknown>): Promise<void> {
  await expect(append).rejects.toMatchObject({ code: 'CONCURRENCY' });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails the test after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}
