/**
 * The EventStoreDB adapter against the EventStoreDB TEST DOUBLE
 * (tools/eventstoredb-double, an in-process gRPC stand-in, not EventStoreDB),
 * or against a real EventStoreDB when EVENTSTORE_CONNECTION_STRING is set
 * (then no double is started and the fault tests, which need to stop the
 * server, are not registered).
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent, NO_STREAM } from '@eventstore/db-client';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../../tools/eventstoredb-double/eventstoredb-double';
import { describeEventStoreContract } from '../testing/event-store.contract';
import type { NewEvent, RecordedEvent, Subscription } from '../event-store.port';
import { computeEventHash, GENESIS_HASH } from '../integrity';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { INTEGRITY_KEY } from './eventstoredb-events';

const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
let double: EventStoreDbDouble | undefined;
let connectionString: string;

beforeAll(async () => {
  if (realServer) {
    connectionString = realServer;
  } else {
    double = await startEventStoreDbDouble();
    connectionString = double.connectionString;
  }
});
afterAll(async () => {
  await double?.stop();
});

function openStore(options: Partial<ConstructorParameters<typeof EventStoreDbEventStore>[0]> = {}): EventStoreDbEventStore {
  return new EventStoreDbEventStore({ connectionString, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...options });
}

describeEventStoreContract(realServer ? 'eventstoredb (real server)' : 'eventstoredb (test double)', async () => {
  const store = openStore();
  return { store, cleanup: () => store.close() };
});

describe('EventStoreDbEventStore', () => {
  let store: EventStoreDbEventStore;
  let raw: EventStoreDBClient;
  let prefix: string;
  const subscriptions: Subscription[] = [];

  beforeEach(() => {
    store = openStore();
    raw = EventStoreDBClient.connectionString(connectionString);
    prefix = `esdb${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
  });
  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    await store.close();
    await raw.dispose();
  });

  it('stores id, type, data and metadata (actor, correlation and causation ids) as EventStoreDB JSON, the hash chain under $integrity', async () => {
    const event = newEvent('RefreshTokenIssued', { tokenId: 't1' }, { correlationId: randomUUID(), causationId: randomUUID(), reason: 'login' });
    await store.appendToStream(`${prefix}refreshToken-t1`, [event], { expectedRevision: 'no_stream' });

    const [stored] = await collect(raw.readStream(`${prefix}refreshToken-t1`));
    const [recorded] = await store.readStream(`${prefix}refreshToken-t1`);

    expect(stored.event).toMatchObject({ id: event.id, type: 'RefreshTokenIssued', isJson: true, data: event.data });
    expect(stored.event!.metadata).toEqual({ ...event.metadata, [INTEGRITY_KEY]: { prevHash: GENESIS_HASH, hash: recorded.hash } });
    expect(recorded.metadata).toEqual(event.metadata);
    expect(recorded.hash).toBe(computeEventHash(GENESIS_HASH, recorded));
  });

  it('maps WrongExpectedVersion to ConcurrencyError with the expected and actual revisions', async () => {
    await store.appendToStream(`${prefix}a`, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });

    await expect(store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 0 })).rejects.toMatchObject({
      code: 'CONCURRENCY',
      streamId: `${prefix}a`,
      expected: '0',
      actual: '1',
    });
  });

  it('keeps the hash chain unbroken under concurrent appends at one revision (one wins, the others are refused)', async () => {
    await store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 'no_stream' });

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 0 })));

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'CONCURRENCY' });
    const recorded = await store.readStream(`${prefix}a`);
    expect(recorded.map((e) => e.revision)).toEqual([0, 1]);
    expect(recorded[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < recorded.length; i++) expect(recorded[i].prevHash).toBe(recorded[i - 1].hash);
    for (const event of recorded) expect(event.hash).toBe(computeEventHash(event.prevHash, event));
  });

  it('never returns $-prefixed system streams or event types, and headPosition skips them', async () => {
    const head = await store.headPosition();
    const user = await store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 'no_stream' });
    await raw.appendToStream(`$${prefix}system`, [jsonEvent({ type: '$system', data: {} })], { expectedRevision: NO_STREAM });
    await raw.appendToStream(`${prefix}a`, [jsonEvent({ type: '$metadata-like', data: {} })]);
    const seen: RecordedEvent[] = [];
    let caughtUp = false;
    subscriptions.push(store.subscribeToAll({ after: head, onEvent: (e) => void seen.push(e), onCaughtUp: () => (caughtUp = true) }));

    const all = await collect(store.readAll({ after: head }));
    await waitFor(() => caughtUp);

    const mine = (events: RecordedEvent[]) => events.filter((e) => e.streamId.includes(prefix));
    expect(mine(all).map((e) => [e.streamId, e.type])).toEqual([[`${prefix}a`, 'TestEvent']]);
    expect(mine(seen).map((e) => [e.streamId, e.type])).toEqual([[`${prefix}a`, 'TestEvent']]);
    expect(all.concat(seen).some((e) => e.streamId.startsWith('$') || e.type.startsWith('$'))).toBe(false);
    if (double) expect(await store.headPosition()).toBe(user.position);
  });

  it('reads $all across page boundaries', async () => {
    const head = await store.headPosition();
    const events = Array.from({ length: 600 }, () => newEvent());
    for (let i = 0; i < events.length; i += 100) {
      await store.appendToStream(`${prefix}bulk`, events.slice(i, i + 100), { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
    }

    const read = await collect(store.readAll({ after: head, streamPrefixes: [prefix] }));

    expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });
});

if (!realServer) {
  describe('EventStoreDbEventStore when the store goes away (test double stopped and restarted)', () => {
    let store: EventStoreDbEventStore;
    let prefix: string;
    const subscriptions: Subscription[] = [];

    beforeEach(() => {
      store = openStore({ operationTimeoutMs: 1500 });
      prefix = `fault${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    });
    afterEach(async () => {
      await double!.start();
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      await store.close();
    });

    it('rejects an append quickly with EventStoreUnavailableError and writes nothing of it', async () => {
      await store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 'no_stream' });
      const logLength = double!.log.length;
      await double!.stop();

      const started = Date.now();
      const batch = [newEvent(), newEvent(), newEvent()];
      await expect(store.appendToStream(`${prefix}a`, batch, { expectedRevision: 0 })).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', name: 'EventStoreUnavailableError' });
      expect(Date.now() - started).toBeLessThan(2000);
      await expect(store.readStream(`${prefix}a`)).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
      await expect(store.headPosition()).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
      expect(double!.log.length).toBe(logLength);

      await double!.start();
      const retried = await retryWhileUnavailable(() => store.appendToStream(`${prefix}a`, batch, { expectedRevision: 0 }));
      expect(retried.nextExpectedRevision).toBe(3);
      expect((await store.readStream(`${prefix}a`)).map((e) => e.id).slice(1)).toEqual(batch.map((e) => e.id));
    });

    it('works again after the store restarts on the same port', async () => {
      await double!.restart();

      const result = await retryWhileUnavailable(() => store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 'no_stream' }));

      expect(result.nextExpectedRevision).toBe(0);
      expect(await store.readStream(`${prefix}a`)).toHaveLength(1);
    });

    it('resumes a live subscription from its checkpoint: every event once, in order, across a stop and start', async () => {
      const seen: RecordedEvent[] = [];
      const errors: Error[] = [];
      let caughtUp = 0;
      const head = await store.headPosition();
      subscriptions.push(
        store.subscribeToAll({
          after: head,
          streamPrefixes: [prefix],
          onEvent: (e) => void seen.push(e),
          onCaughtUp: () => caughtUp++,
          onError: (e) => errors.push(e),
        }),
      );
      const writer = openStore();
      try {
        await writer.appendToStream(`${prefix}a`, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
        await waitFor(() => seen.length === 2);

        await double!.stop();
        await sleep(300); // the subscription notices and retries against a closed port
        await double!.start();
        await retryWhileUnavailable(() => writer.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 1 }));
        await retryWhileUnavailable(() => writer.appendToStream(`${prefix}b`, [newEvent()], { expectedRevision: 'no_stream' }));

        await waitFor(() => seen.length >= 4);
        await sleep(200);
        expect(seen.map((e) => [e.streamId.slice(prefix.length), e.revision])).toEqual([
          ['a', 0],
          ['a', 1],
          ['a', 2],
          ['b', 0],
        ]);
        expect(errors).toEqual([]);
        expect(caughtUp).toBeGreaterThanOrEqual(2); // once per connection
      } finally {
        await writer.close();
      }
    });

    it('catches up on what was appended while it was disconnected', async () => {
      const seen: RecordedEvent[] = [];
      const head = await store.headPosition();
      subscriptions.push(store.subscribeToAll({ after: head, streamPrefixes: [prefix], onEvent: (e) => void seen.push(e) }));
      await store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 'no_stream' });
      await waitFor(() => seen.length === 1);

      await double!.stop();
      // Appends land while the subscription's connection is down (a second writer on the restarted server).
      await double!.start();
      const writer = openStore();
      try {
        for (let i = 1; i <= 5; i++) await retryWhileUnavailable(() => writer.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: i - 1 }));
      } finally {
        await writer.close();
      }

      await waitFor(() => seen.length >= 6);
      expect(seen.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    });
  });

  describe('EventStoreDbEventStore on named server faults (test double switches)', () => {
    let store: EventStoreDbEventStore;
    let prefix: string;
    beforeEach(() => {
      store = openStore({ operationTimeoutMs: 1500 });
      prefix = `named${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    });
    const subscriptions: Subscription[] = [];
    afterEach(async () => {
      delete double!.faults.refuse;
      delete double!.faults.omitAppendPosition;
      delete double!.faults.sharedCommit;
      await double!.start();
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      await store.close();
    });

    it("appends 'no_stream' (an issuance) without reading the stream first: concurrent issuances cost one append each and no read", async () => {
      await store.appendToStream(`${prefix}warm`, [newEvent()], { expectedRevision: 'no_stream' });
      const reads = double!.calls.streamReads;
      const appends = double!.calls.appends;

      await Promise.all(Array.from({ length: 10 }, (_, i) => store.appendToStream(`${prefix}n${i}`, [newEvent()], { expectedRevision: 'no_stream' })));

      expect(double!.calls.streamReads).toBe(reads);
      expect(double!.calls.appends).toBe(appends + 10);
      // An existing stream still answers ConcurrencyError (the retry reads it), and a retried issuance is still done once.
      const issued = newEvent();
      const first = await store.appendToStream(`${prefix}n0b`, [issued], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream(`${prefix}n0`, [newEvent()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ code: 'CONCURRENCY' });
      await expect(store.appendToStream(`${prefix}n0b`, [issued], { expectedRevision: 'no_stream' })).resolves.toEqual(first);
      expect(await store.readStream(`${prefix}n0b`)).toHaveLength(1);
    });

    it('reads $all across a page boundary inside one transaction (events sharing a commit position): each event once, in order', async () => {
      double!.faults.sharedCommit = true;
      const head = await store.headPosition();
      const events = Array.from({ length: 600 }, () => newEvent());

      await store.appendToStream(`${prefix}tx`, events, { expectedRevision: 'no_stream' });

      const read = await collect(store.readAll({ after: head, streamPrefixes: [prefix] }));
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('resumes a subscription cut inside a transaction right after the last handled event: no event lost, none repeated', async () => {
      double!.faults.sharedCommit = true;
      const head = await store.headPosition();
      const events = Array.from({ length: 5 }, () => newEvent());
      const seen: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      subscriptions.push(
        store.subscribeToAll({
          after: head,
          streamPrefixes: [prefix],
          onEvent: async (e) => {
            seen.push(e.id);
            if (seen.length === 2) await gate; // the connection drops while event 2 is being handled
          },
        }),
      );
      await store.appendToStream(`${prefix}tx`, events, { expectedRevision: 'no_stream' });
      await waitFor(() => seen.length === 2);

      await double!.stop();
      await sleep(300);
      await double!.start();
      release();

      await waitFor(() => seen.length >= 5);
      await sleep(300);
      expect(seen).toEqual(events.map((e) => e.id));
    });

    it('returns the written position of an append the server acknowledged without one (no_position), instead of failing it', async () => {
      await store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 'no_stream' });
      double!.faults.omitAppendPosition = true;

      const result = await store.appendToStream(`${prefix}a`, [newEvent(), newEvent()], { expectedRevision: 0 });

      const stored = await store.readStream(`${prefix}a`);
      expect(result).toEqual({ nextExpectedRevision: 2, position: stored[2].position });
      expect(stored[2].position).toBeGreaterThan(stored[1].position);
    });

    it.each(['permission_denied', 'unauthenticated'] as const)('names a refusal of the credentials (%s) as EventStoreAccessDeniedError and does not wait on it', async (refuse) => {
      double!.faults.refuse = refuse;
      const waiting: string[] = [];

      await expect(store.waitUntilReachable((message) => waiting.push(message))).rejects.toMatchObject({
        name: 'EventStoreAccessDeniedError',
        message: expect.stringContaining('EventStoreDB refused access'),
      });
      await expect(store.appendToStream(`${prefix}a`, [newEvent()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'EventStoreAccessDeniedError' });
      await expect(store.readStream(`${prefix}a`)).rejects.toMatchObject({ name: 'EventStoreAccessDeniedError' });
      expect(waiting).toEqual([]);
    });

    it('says "waiting for EventStoreDB at <host:port> (attempt N)" while the server is down, and resolves once it is back', async () => {
      await double!.stop();
      const waiting: string[] = [];

      const reachable = store.waitUntilReachable((message) => waiting.push(message));
      await waitFor(() => waiting.length >= 3);
      await double!.start();
      await reachable;

      expect(waiting.slice(0, 3).map((line) => line.slice(0, line.indexOf('): ') + 3))).toEqual(
        [1, 2, 3].map((n) => `waiting for EventStoreDB at 127.0.0.1:${double!.port} (attempt ${n}): `),
      );
      // The first attempt may meet a call cancelled as the server went away; once it is gone, the reason is named.
      expect(waiting).toContain(`waiting for EventStoreDB at 127.0.0.1:${double!.port} (attempt 3): connection refused (is EventStoreDB running, on that host and port?)`);
    });

    it('says the TLS handshake failed and names ?tls=false when the connection string asks TLS of an insecure server', async () => {
      const tls = openStore({ connectionString: connectionString.replace('tls=false', 'tls=true') });
      const waiting: string[] = [];
      try {
        await expect(tls.waitUntilReachable((message) => waiting.push(message), { maxAttempts: 2 })).rejects.toBeDefined();
      } finally {
        await tls.close();
      }
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toMatch(/^waiting for EventStoreDB at .* \(attempt 1\): TLS handshake failed .*\?tls=false in EVENTSTORE_CONNECTION_STRING/);
    });

    it('says the host name does not resolve', async () => {
      const dns = openStore({ connectionString: 'esdb://no-such-host.invalid:2113?tls=false' });
      const waiting: string[] = [];
      try {
        await expect(dns.waitUntilReachable((message) => waiting.push(message), { maxAttempts: 2 })).rejects.toBeDefined();
      } finally {
        await dns.close();
      }
      expect(waiting).toEqual(['waiting for EventStoreDB at no-such-host.invalid:2113 (attempt 1): the host name does not resolve (DNS)']);
    });
  });
}

function newEvent(type = 'TestEvent', data: Record<string, unknown> = { value: randomUUID() }, metadata: Partial<NewEvent['metadata']> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { actor: 'esdb-test', occurredAt: '2024-01-01T00:00:00.000Z', ...metadata } };
}

async function retryWhileUnavailable<T>(operation: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if ((error as { code?: string }).code !== 'EVENT_STORE_UNAVAILABLE' || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

