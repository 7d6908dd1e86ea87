import { randomUUID } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from '../../event-store.port';
import { type ContractContext, collect, newEvent } from './support';

/** The contract on reads: one stream, all streams (filters, positions, pages), the head. */
export function describeReads(ctx: ContractContext): void {
  const { stream, revisionOf } = ctx;
  describe('readStream', () => {
    it('returns [] for a stream that does not exist', async () => {
      expect(await ctx.store.readStream(stream('missing'))).toEqual([]);
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
      await ctx.store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

      const recorded = await ctx.store.readStream(stream('a'));

      expect(recorded).toHaveLength(2);
      expect(recorded[0]).toMatchObject({ id: events[0].id, streamId: stream('a'), revision: 0, type: 'Issued', data, metadata });
      expect(recorded[1]).toMatchObject({ id: events[1].id, streamId: stream('a'), revision: 1, type: 'Revoked' });
      expect(recorded[1].data).toEqual({ reason: 'x' });
      expect(recorded[1].metadata).toEqual(events[1].metadata);
    });

    it('does not mix in events of other streams', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
      await ctx.store.appendToStream(stream('ab'), [newEvent()], { expectedRevision: 'no_stream' });

      const recorded = await ctx.store.readStream(stream('a'));
      expect(recorded.map((e) => e.streamId)).toEqual([stream('a')]);
    });
  });

  describe('readAll', () => {
    /** Three interleaved streams; returns the appended ids in log order. */
    async function interleave(): Promise<string[]> {
      const ids: string[] = [];
      for (const name of ['tok-1', 'cli-1', 'tok-2', 'tok-1', 'cli-1', 'tok-2', 'tok-1']) {
        const event = newEvent();
        await ctx.store.appendToStream(stream(name), [event], { expectedRevision: await revisionOf(stream(name)) });
        ids.push(`${name}:${event.id}`);
      }
      return ids;
    }
    const label = (e: RecordedEvent): string => `${e.streamId.slice(ctx.prefix.length)}:${e.id}`;

    it('reads the log in order across interleaved streams', async () => {
      const ids = await interleave();

      const read = await collect(ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [ctx.prefix] }));

      expect(read.map(label)).toEqual(ids);
    });

    it('gives positions strictly increasing in log order', async () => {
      await interleave();
      await ctx.store.appendToStream(stream('batch'), [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });

      const read = await collect(ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [ctx.prefix] }));

      expect(read).toHaveLength(10);
      expect(read[0].position).toBeGreaterThan(ctx.headAtStart);
      for (let i = 1; i < read.length; i++) expect(read[i].position).toBeGreaterThan(read[i - 1].position);
    });

    it('keeps only streams starting with one of the prefixes', async () => {
      const ids = await interleave();

      const tokens = await collect(ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [stream('tok-')] }));
      const both = await collect(
        ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [stream('tok-2'), stream('cli-')] }),
      );

      expect(tokens.map(label)).toEqual(ids.filter((id) => id.startsWith('tok-')));
      expect(both.map(label)).toEqual(ids.filter((id) => id.startsWith('tok-2') || id.startsWith('cli-')));
    });

    it('starts strictly after `after`', async () => {
      const ids = await interleave();
      const all = await collect(ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [ctx.prefix] }));

      const rest = await collect(ctx.store.readAll({ after: all[2].position, streamPrefixes: [ctx.prefix] }));

      expect(rest.map(label)).toEqual(ids.slice(3));
    });

    it('stops after maxCount events', async () => {
      const ids = await interleave();

      const firstTwo = await collect(ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [ctx.prefix], maxCount: 2 }));
      const firstTwoTokens = await collect(
        ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [stream('tok-')], maxCount: 2 }),
      );

      expect(firstTwo.map(label)).toEqual(ids.slice(0, 2));
      expect(firstTwoTokens.map(label)).toEqual(ids.filter((id) => id.startsWith('tok-')).slice(0, 2));
    });

    it('returns the same events as readStream', async () => {
      await interleave();

      const fromAll = await collect(ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [stream('tok-1')] }));

      expect(fromAll).toEqual(await ctx.store.readStream(stream('tok-1')));
    });
  });

  describe('headPosition', () => {
    it('is at least the position of the last acknowledged append, and never goes back', async () => {
      expect(ctx.headAtStart).toBeGreaterThanOrEqual(0);
      const first = await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
      const afterFirst = await ctx.store.headPosition();
      const second = await ctx.store.appendToStream(stream('b'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      const afterSecond = await ctx.store.headPosition();

      expect(afterFirst).toBeGreaterThanOrEqual(first.position);
      expect(afterSecond).toBeGreaterThanOrEqual(second.position);
      expect(afterSecond).toBeGreaterThan(afterFirst);
    });
  });
}
