/**
 * Wire-level checks of the EventStoreDB TEST DOUBLE (not of EventStoreDB):
 * the official client, unchanged, must see what a real server would send it.
 * Every expectation here states real-server behaviour the adapter relies on.
 */
import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { startEventStoreDbDouble, type EventStoreDbDouble } from './eventstoredb-double';

describe('EventStoreDB test double, seen through @eventstore/db-client', () => {
  let double: EventStoreDbDouble;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    double = await startEventStoreDbDouble();
  });
  afterAll(async () => {
    await double.stop();
  });
  beforeEach(() => {
    client = EventStoreDBClient.connectionString(double.connectionString);
  });
  afterEach(async () => {
    await client.dispose();
  });

  const event = (type = 'Tested', data: Record<string, unknown> = { n: 1 }) => jsonEvent({ id: randomUUID(), type, data, metadata: { actor: 'wire-test' } });
  const streamName = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

  describe('switched faults (what a real server answers, as the client surfaces it)', () => {
    afterEach(() => {
      delete double.faults.refuse;
      delete double.faults.omitAppendPosition;
      delete double.faults.sharedCommit;
    });

    it.each(['permission_denied', 'unauthenticated'] as const)('refuse=%s: appends and reads fail with the client\'s AccessDeniedError, and write nothing', async (refuse) => {
      const name = streamName('denied');
      const length = double.log.length;
      double.faults.refuse = refuse;

      await expect(client.appendToStream(name, [event()], { expectedRevision: NO_STREAM })).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(collect(client.readStream(name))).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }))).rejects.toBeInstanceOf(AccessDeniedError);
      expect(double.log.length).toBe(length);
    });

    it('omitAppendPosition: a successful append comes back with position undefined, and the events are written', async () => {
      const name = streamName('nopos');
      double.faults.omitAppendPosition = true;

      const result = await client.appendToStream(name, [event(), event()], { expectedRevision: NO_STREAM });

      expect(result).toMatchObject({ success: true, nextExpectedRevision: 1n, position: undefined });
      expect(await collect(client.readStream(name))).toHaveLength(2);
    });

    it('sharedCommit: the events of one append share a commit position, keep a prepare each, and $all reads from a position inside them', async () => {
      const name = streamName('tx');
      double.faults.sharedCommit = true;

      const result = await client.appendToStream(name, [event(), event(), event()], { expectedRevision: NO_STREAM });

      const positions = (await collect(client.readStream(name))).map((e) => e.event!.position!);
      expect(new Set(positions.map((p) => p.commit)).size).toBe(1);
      expect(positions[0].prepare).toBe(positions[0].commit);
      expect(positions[1].prepare).toBeGreaterThan(positions[0].prepare);
      expect(positions[2].prepare).toBeGreaterThan(positions[1].prepare);
      expect(result.position).toEqual(positions[2]);
      const fromSecond = await collect(client.readAll({ fromPosition: positions[1], maxCount: 2 }));
      expect(fromSecond.map((e) => e.event!.position)).toEqual([positions[1], positions[2]]);
    });

    it('counts the calls it answered by kind (backward $all reads are head reads)', async () => {
      const before = { ...double.calls };

      await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));

      expect(double.calls.allReadsBackwards).toBe(before.allReadsBackwards + 1);
      expect(double.calls.allReadsForwards).toBe(before.allReadsForwards);
    });
  });

  describe('append (the client picks BatchAppend, as the double advertises it)', () => {
    it('reports revision and position of the last event, commit = prepare', async () => {
      const result = await client.appendToStream(streamName('a'), [event(), event()], { expectedRevision: NO_STREAM });

      expect(result.success).toBe(true);
      expect(result.nextExpectedRevision).toBe(1n);
      expect(result.position).toBeDefined();
      expect(result.position!.commit).toBe(result.position!.prepare);
    });

    it('signals WrongExpectedVersion with the stream, the expectation and the current revision', async () => {
      const name = streamName('a');
      await client.appendToStream(name, [event(), event()], { expectedRevision: NO_STREAM });

      const error = await client.appendToStream(name, [event()], { expectedRevision: 0n }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: name, expectedVersion: 0n, actualVersion: 1n });
    });

    it("signals 'no_stream' as the current revision of a missing stream", async () => {
      const name = streamName('a');
      const error = await client.appendToStream(name, [event()], { expectedRevision: STREAM_EXISTS }).catch((e: unknown) => e);

      expect(error).toMatchObject({ streamName: name, expectedVersion: 'stream_exists', actualVersion: 'no_stream' });
    });

    it('accepts the same event ids again at the same place without writing them twice', async () => {
      const name = streamName('a');
      const events = [event(), event()];
      const first = await client.appendToStream(name, events, { expectedRevision: NO_STREAM });

      const again = await client.appendToStream(name, events, { expectedRevision: NO_STREAM });

      expect(again).toEqual(first);
      expect(await collect(client.readStream(name))).toHaveLength(2);
    });

    it('gives strictly increasing, non-contiguous positions', async () => {
      const name = streamName('a');
      await client.appendToStream(name, [event(), event(), event()], { expectedRevision: NO_STREAM });

      const positions = (await collect(client.readStream(name))).map((e) => e.event!.position!.commit);

      expect(positions[1] - positions[0]).toBeGreaterThan(1n);
      expect(positions[2]).toBeGreaterThan(positions[1]);
    });
  });

  describe('read', () => {
    it('fails a read of a missing stream with StreamNotFoundError', async () => {
      const name = streamName('missing');
      const error = await collect(client.readStream(name)).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect(error).toMatchObject({ streamName: name });
    });

    it('returns type, JSON data, JSON metadata, id, revision and created as appended', async () => {
      const name = streamName('a');
      const appended = event('Issued', { userId: 'u1', scope: ['openid'] });
      const before = Date.now();
      await client.appendToStream(name, [appended], { expectedRevision: NO_STREAM });

      const [read] = await collect(client.readStream(name));

      expect(read.event).toMatchObject({ id: appended.id, streamId: name, revision: 0n, type: 'Issued', isJson: true, data: appended.data, metadata: appended.metadata });
      expect(read.event!.created.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(read.event!.created.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('reads a stream backwards from the end with a count', async () => {
      const name = streamName('a');
      await client.appendToStream(name, [event('One'), event('Two'), event('Three')], { expectedRevision: NO_STREAM });

      const [last] = await collect(client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));

      expect(last.event).toMatchObject({ type: 'Three', revision: 2n });
    });

    it('reads $all forwards from an inclusive position and backwards from the end', async () => {
      const name = streamName('a');
      await client.appendToStream(name, [event('One'), event('Two')], { expectedRevision: NO_STREAM });
      const [one, two] = (await collect(client.readStream(name))).map((e) => e.event!.position!);

      const fromOne = await collect(client.readAll({ fromPosition: one, maxCount: 2 }));
      const [head] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));

      expect(fromOne.map((e) => e.event!.position)).toEqual([one, two]);
      expect(head.event!.position).toEqual(two);
      expect(double.log.lastPosition()).toBe(Number(two.commit));
    });
  });

  describe('subscribeToAll', () => {
    it('confirms, replays strictly after the start position, signals caught up, then goes live', async () => {
      const name = streamName('sub');
      await client.appendToStream(name, [event('One'), event('Two')], { expectedRevision: NO_STREAM });
      const [one] = (await collect(client.readStream(name))).map((e) => e.event!.position!);
      const subscription = client.subscribeToAll({ fromPosition: one, filter: streamNameFilter({ prefixes: [name] }) });
      const signals: string[] = [];
      subscription.on('confirmation', () => signals.push('confirmation'));
      subscription.on('caughtUp', () => signals.push('caughtUp'));
      const received = take(subscription, 2);
      await waitFor(() => signals.includes('caughtUp'));

      await client.appendToStream(name, [event('Three')], { expectedRevision: 1n });

      expect((await received).map((e) => e.event!.type)).toEqual(['Two', 'Three']);
      expect(signals).toEqual(['confirmation', 'caughtUp']);
      await subscription.unsubscribe();
    });

    it('filters by stream-name prefix and by event-type prefix on the server', async () => {
      const name = streamName('filtered');
      const other = streamName('other');
      await client.appendToStream(other, [event('Kept')], { expectedRevision: NO_STREAM });
      await client.appendToStream(name, [event('Dropped'), event('Kept')], { expectedRevision: NO_STREAM });
      const byStream = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [name] }) });
      const byType = client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ prefixes: ['Dropped'] }) });

      expect((await take(byStream, 2)).map((e) => e.event!.streamId)).toEqual([name, name]);
      const types = (await take(byType, 1)).map((e) => e.event!.type);
      expect(types).toEqual(['Dropped']);
      await byStream.unsubscribe();
      await byType.unsubscribe();
    });

    it('sends checkpoints every checkpointInterval × search window considered events', async () => {
      const name = streamName('cp');
      const skipped = streamName('skipped');
      await client.appendToStream(skipped, Array.from({ length: 5 }, () => event()), { expectedRevision: NO_STREAM });
      const [firstSkipped] = (await collect(client.readStream(skipped))).map((e) => e.event!.position!);
      const checkpoints: Position[] = [];
      const subscription = client.subscribeToAll({
        fromPosition: firstSkipped,
        filter: streamNameFilter({ prefixes: [name], maxSearchWindow: 2, checkpointInterval: 1, checkpointReached: (_s, position) => void checkpoints.push(position) }),
      });
      let caughtUp = false;
      subscription.on('caughtUp', () => (caughtUp = true));
      subscription.resume();

      await waitFor(() => caughtUp);
      // 4 events considered after the exclusive start: checkpoints after the 2nd and 4th, none matching the filter.
      const skippedPositions = (await collect(client.readStream(skipped))).map((e) => e.event!.position!);
      expect(checkpoints).toEqual([skippedPositions[2], skippedPositions[4]]);
      await subscription.unsubscribe();
    });
  });

  describe('stop and start', () => {
    it('drops live subscriptions and refuses calls while stopped, then serves the same data on the same port', async () => {
      const name = streamName('restart');
      await client.appendToStream(name, [event()], { expectedRevision: NO_STREAM });
      const port = double.port;
      const subscription = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [name] }) });
      const errors: Error[] = [];
      subscription.on('error', (error) => errors.push(error));
      await take(subscription, 1);

      await double.stop();

      await waitFor(() => errors.length > 0);
      await expect(client.appendToStream(name, [event()], { expectedRevision: 0n })).rejects.toThrow(/UNAVAILABLE|CANCELLED/);
      await double.start();
      expect(double.port).toBe(port);
      await waitFor(async () => (await client.appendToStream(name, [event()], { expectedRevision: 0n }).then(() => true, () => false)));
      expect(await collect(client.readStream(name))).toHaveLength(2);
    });
  });
});

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** The first `count` events of a subscription (leaves it open). */
function take(subscription: AsyncIterable<AllStreamResolvedEvent> & NodeJS.EventEmitter, count: number): Promise<AllStreamResolvedEvent[]> {
  return new Promise((resolve, reject) => {
    const items: AllStreamResolvedEvent[] = [];
    const onData = (item: AllStreamResolvedEvent) => {
      items.push(item);
      if (items.length === count) {
        subscription.off('data', onData);
        resolve(items);
      }
    };
    subscription.on('data', onData);
    subscription.once('error', reject);
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
