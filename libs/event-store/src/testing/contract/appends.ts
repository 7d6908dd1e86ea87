import { type ContractContext, expectConcurrencyError, newEvent } from './support';

/** The contract on appends: expected revisions, atomic batches, concurrent writers. */
export function describeAppends(ctx: ContractContext): void {
  const { stream } = ctx;
  describe('appendToStream', () => {
    it("creates a stream with 'no_stream' and reports revision 0 and the event's position", async () => {
      const result = await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

      expect(result.nextExpectedRevision).toBe(0);
      expect(result.position).toBeGreaterThan(ctx.headAtStart);
      const [recorded] = await ctx.store.readStream(stream('a'));
      expect(recorded.position).toBe(result.position);
    });

    it("refuses 'no_stream' when the stream exists", async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

      await expectConcurrencyError(ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' }));
      expect(await ctx.store.readStream(stream('a'))).toHaveLength(1);
    });

    it('refuses an exact revision on a missing stream', async () => {
      await expectConcurrencyError(ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 }));
      expect(await ctx.store.readStream(stream('a'))).toEqual([]);
    });

    it('refuses a stale exact revision and one ahead of the stream', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });

      await expectConcurrencyError(ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 }));
      await expectConcurrencyError(ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 5 }));
      expect(await ctx.store.readStream(stream('a'))).toHaveLength(2);
    });

    it('appends at the exact current revision and returns the next one', async () => {
      const first = await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
      const second = await ctx.store.appendToStream(stream('a'), [newEvent()], {
        expectedRevision: first.nextExpectedRevision,
      });
      const third = await ctx.store.appendToStream(stream('a'), [newEvent()], {
        expectedRevision: second.nextExpectedRevision,
      });

      expect([first.nextExpectedRevision, second.nextExpectedRevision, third.nextExpectedRevision]).toEqual([0, 1, 2]);
      expect(second.position).toBeGreaterThan(first.position);
      expect(third.position).toBeGreaterThan(second.position);
    });

    it('reads the last event of a stream in one call, and undefined for a missing stream', async () => {
      expect(await ctx.store.readLastEvent(stream('a'))).toBeUndefined();
      await ctx.store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      const last = newEvent();
      await ctx.store.appendToStream(stream('a'), [last], { expectedRevision: 1 });

      expect(await ctx.store.readLastEvent(stream('a'))).toMatchObject({ id: last.id, revision: 2, streamId: stream('a') });
    });

    it('writes a multi-event append atomically, at consecutive revisions', async () => {
      const events = [newEvent('First'), newEvent('Second'), newEvent('Third')];
      const result = await ctx.store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

      const recorded = await ctx.store.readStream(stream('a'));
      expect(recorded.map((e) => [e.id, e.revision, e.type])).toEqual([
        [events[0].id, 0, 'First'],
        [events[1].id, 1, 'Second'],
        [events[2].id, 2, 'Third'],
      ]);
      expect(result).toEqual({ nextExpectedRevision: 2, position: recorded[2].position });
    });

    it('writes none of a multi-event append that conflicts', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

      await expectConcurrencyError(
        ctx.store.appendToStream(stream('a'), [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' }),
      );
      expect(await ctx.store.readStream(stream('a'))).toHaveLength(1);
    });

    it('treats a retry of the same event ids at the same place as done, writing nothing twice', async () => {
      const events = [newEvent('First'), newEvent('Second')];
      const original = await ctx.store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

      const retried = await ctx.store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });

      expect(retried.nextExpectedRevision).toBe(original.nextExpectedRevision);
      expect((await ctx.store.readStream(stream('a'))).map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('treats a retry at an exact revision as done, also after the stream moved on', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
      const event = newEvent();
      const original = await ctx.store.appendToStream(stream('a'), [event], { expectedRevision: 0 });
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 1 });

      const retried = await ctx.store.appendToStream(stream('a'), [event], { expectedRevision: 0 });

      expect(retried.nextExpectedRevision).toBe(original.nextExpectedRevision);
      expect(await ctx.store.readStream(stream('a'))).toHaveLength(3);
    });

    it('lets exactly one of concurrent appends at the same expected revision win', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });

      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () => ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 })),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
        expect(outcome.reason).toMatchObject({ code: 'CONCURRENCY' });
      }
      expect(await ctx.store.readStream(stream('a'))).toHaveLength(2);
    });

    it("lets exactly one of concurrent 'no_stream' appends create the stream", async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () =>
          ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' }),
        ),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await ctx.store.readStream(stream('a'))).toHaveLength(1);
    });
  });

  describe('concurrent appends (group commit where the adapter has one)', () => {
    it('lets concurrent appends to different streams all succeed, each at its own position', async () => {
      const names = Array.from({ length: 20 }, (_, i) => stream(`g${i}`));

      const results = await Promise.all(names.map((name) => ctx.store.appendToStream(name, [newEvent(), newEvent()], { expectedRevision: 'no_stream' })));

      expect(results.map((r) => r.nextExpectedRevision)).toEqual(names.map(() => 1));
      expect(new Set(results.map((r) => r.position)).size).toBe(names.length);
      for (const [i, name] of names.entries()) {
        const recorded = await ctx.store.readStream(name);
        expect(recorded).toHaveLength(2);
        expect(recorded[1].position).toBe(results[i].position);
      }
    });

    it('fails a conflicting append alone, the others appended with it succeed', async () => {
      await ctx.store.appendToStream(stream('busy'), [newEvent()], { expectedRevision: 'no_stream' });

      const outcomes = await Promise.allSettled([
        ctx.store.appendToStream(stream('x1'), [newEvent()], { expectedRevision: 'no_stream' }),
        ctx.store.appendToStream(stream('busy'), [newEvent()], { expectedRevision: 3 }),
        ctx.store.appendToStream(stream('x2'), [newEvent()], { expectedRevision: 'no_stream' }),
        ctx.store.appendToStream(stream('busy'), [newEvent()], { expectedRevision: 0 }),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONCURRENCY' });
      expect(await ctx.store.readStream(stream('x1'))).toHaveLength(1);
      expect(await ctx.store.readStream(stream('x2'))).toHaveLength(1);
      expect(await ctx.store.readStream(stream('busy'))).toHaveLength(2);
    });

    it('writes once the same event ids appended concurrently at the same place, answering both with the same result', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
      const events = [newEvent(), newEvent()];

      const [first, other, second] = await Promise.all([
        ctx.store.appendToStream(stream('a'), events, { expectedRevision: 0 }),
        ctx.store.appendToStream(stream('b'), [newEvent()], { expectedRevision: 'no_stream' }),
        ctx.store.appendToStream(stream('a'), events, { expectedRevision: 0 }),
      ]);

      expect(second).toEqual(first);
      expect(first.nextExpectedRevision).toBe(2);
      expect(other.nextExpectedRevision).toBe(0);
      expect((await ctx.store.readStream(stream('a'))).map((e) => e.id).slice(1)).toEqual(events.map((e) => e.id));
    });
  });
}
