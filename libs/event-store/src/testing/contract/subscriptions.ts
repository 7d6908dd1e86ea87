import type { RecordedEvent } from '../../event-store.port';
import { type ContractContext, collect, newEvent, sleep, waitFor } from './support';

/** The contract on subscriptions to all streams: catch-up, live, filters, stop. */
export function describeSubscriptions(ctx: ContractContext): void {
  const { stream, revisionOf, subscribe } = ctx;
  describe('subscribeToAll', () => {
    /** Subscribes with this test's prefix, recording deliveries and catch-ups. */
    function record(options: { after?: number; streamPrefixes?: string[]; onEvent?: (e: RecordedEvent) => Promise<void> }) {
      const seen: RecordedEvent[] = [];
      let caughtUp = 0;
      const errors: Error[] = [];
      const subscription = subscribe({
        after: options.after,
        streamPrefixes: options.streamPrefixes ?? [ctx.prefix],
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
      await ctx.store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      await ctx.store.appendToStream(stream('b'), [newEvent()], { expectedRevision: 'no_stream' });

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
      const first = await ctx.store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 1 });

      const { seen, caughtUp } = record({ after: first.position });

      await waitFor(() => caughtUp() > 0);
      expect(seen.map((e) => e.revision)).toEqual([2]);
    });

    it('delivers only streams matching the prefixes', async () => {
      await ctx.store.appendToStream(stream('tok-1'), [newEvent()], { expectedRevision: 'no_stream' });
      await ctx.store.appendToStream(stream('cli-1'), [newEvent()], { expectedRevision: 'no_stream' });

      const { seen, caughtUp } = record({ after: ctx.headAtStart, streamPrefixes: [stream('tok-')] });
      await waitFor(() => caughtUp() > 0);
      await ctx.store.appendToStream(stream('cli-1'), [newEvent()], { expectedRevision: 0 });
      await ctx.store.appendToStream(stream('tok-1'), [newEvent()], { expectedRevision: 0 });

      await waitFor(() => seen.length >= 2);
      await sleep(150);
      expect(seen.map((e) => [e.streamId, e.revision])).toEqual([
        [stream('tok-1'), 0],
        [stream('tok-1'), 1],
      ]);
    });

    it('follows events appended after it caught up, live', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
      const { seen, caughtUp } = record({ after: ctx.headAtStart });
      await waitFor(() => caughtUp() > 0);
      expect(seen).toHaveLength(1);

      const live = await ctx.store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 0 });
      await ctx.store.appendToStream(stream('b'), [newEvent()], { expectedRevision: 'no_stream' });

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
      const { caughtUp, seen } = record({ after: ctx.headAtStart });

      await waitFor(() => caughtUp() > 0);
      expect(seen).toEqual([]);
    });

    it('delivers one event at a time, in log order, waiting for a slow handler', async () => {
      for (let i = 0; i < 4; i++) {
        await ctx.store.appendToStream(stream(`s${i % 2}`), [newEvent(), newEvent()], { expectedRevision: await revisionOf(stream(`s${i % 2}`)) });
      }
      const expected = await collect(ctx.store.readAll({ after: ctx.headAtStart, streamPrefixes: [ctx.prefix] }));
      let running = 0;
      let maxRunning = 0;

      const { seen } = record({
        after: ctx.headAtStart,
        onEvent: async (event) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(event.revision % 2 === 0 ? 15 : 1);
          running--;
        },
      });
      await ctx.store.appendToStream(stream('s0'), [newEvent()], { expectedRevision: 3 });

      await waitFor(() => seen.length === 9);
      expect(maxRunning).toBe(1);
      expect(seen.slice(0, 8).map((e) => e.id)).toEqual(expected.map((e) => e.id));
      for (let i = 1; i < seen.length; i++) expect(seen[i].position).toBeGreaterThan(seen[i - 1].position);
    });

    it('stops delivering once stop() resolved, and stop() waits for the running handler', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 'no_stream' });
      let handlerRunning = false;
      let entered = false;
      const { seen, subscription } = record({
        after: ctx.headAtStart,
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
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 0 });
      await sleep(300);
      expect(seen.length).toBe(delivered);
      expect(delivered).toBeLessThanOrEqual(1);
    });

    it('stops and calls onError when the handler fails', async () => {
      await ctx.store.appendToStream(stream('a'), [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      const failure = new Error('projection broke');
      let calls = 0;
      const errors: Error[] = [];
      subscribe({
        after: ctx.headAtStart,
        streamPrefixes: [ctx.prefix],
        onEvent: () => {
          calls++;
          throw failure;
        },
        onError: (error) => errors.push(error),
      });

      await waitFor(() => errors.length > 0);
      await ctx.store.appendToStream(stream('a'), [newEvent()], { expectedRevision: 1 });
      await sleep(200);
      expect(calls).toBe(1);
      expect(errors).toEqual([failure]);
    });

    it('lets several subscriptions follow the log independently', async () => {
      const fast = record({ after: ctx.headAtStart });
      const slow = record({ after: ctx.headAtStart, onEvent: () => sleep(5) });
      await ctx.store.appendToStream(stream('a'), [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });

      await waitFor(() => fast.seen.length === 3 && slow.seen.length === 3);
      expect(slow.seen.map((e) => e.id)).toEqual(fast.seen.map((e) => e.id));
    });
  });
}
