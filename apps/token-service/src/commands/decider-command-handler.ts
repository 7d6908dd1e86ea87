import type { EventMetadata, EventStore, RecordedEvent } from '@app/event-store';
import { retryOnConcurrency } from '@app/event-store';
import type { Decider, IdGenerator } from '@app/shared';

type DomainEvent = { type: string; data: object };

export interface CommandResult<E, S = unknown> {
  /** The events appended (empty when the decider decided nothing, e.g. a second revoke). */
  events: E[];
  /** Global position of the last appended event; undefined when nothing was appended. */
  position?: number;
  /** The aggregate's state after them: what the stream held when the decision was made, with the appended events folded in. */
  state: S;
}

/** Read-your-writes: resolves once this node's read model shows `position` (bounded; ProjectionSync). */
export interface WriteWaiter {
  waitForWrite(position: number | undefined): Promise<void>;
}

/** One command of a batch: the aggregate's id, the command, its metadata. */
export interface CommandOf<C> {
  id: string;
  command: C;
  metadata: EventMetadata;
}

/** How many of a batch's streams are written at once. */
const BATCH_CONCURRENCY = 8;

/**
 * One decider's command handling, bound once (emmett's `DeciderCommandHandler`).
 * Both methods return once this node's read model shows what they appended
 * (invariant 6), so no caller waits for its own write by hand.
 */
export interface DeciderCommandHandler<C, E, S = unknown> {
  /** Handles `command` against the stream of aggregate `id`. */
  handle(id: string, command: C, metadata: EventMetadata): Promise<CommandResult<E, S>>;
  /**
   * Handles each command on its own stream (no cross-stream transaction), a
   * few at a time, then waits once for the last position. A crash half-way
   * leaves the rest unhandled; repeating the batch handles them.
   */
  handleEach(commands: readonly CommandOf<C>[]): Promise<CommandResult<E, S>[]>;
}

/**
 * Binds a decider to the store: load the stream, fold it, decide, append with
 * the revision read (invariant 5), and on a concurrency conflict do it all
 * again from fresh state. Decisions are pure, so a retry is safe; each
 * attempt gets new event ids.
 */
export function DeciderCommandHandler<C, E extends DomainEvent, S>(
  decider: Decider<S, C, E>,
  mapToStreamId: (id: string) => string,
  deps: { store: EventStore; ids: IdGenerator; writes: WriteWaiter },
): DeciderCommandHandler<C, E, S> {
  const { store, ids, writes } = deps;
  const append = (id: string, command: C, metadata: EventMetadata): Promise<CommandResult<E, S>> =>
    retryOnConcurrency(async () => {
      const streamId = mapToStreamId(id);
      const recorded = await store.readStream(streamId);
      const state = recorded.reduce((s, e) => decider.evolve(s, toDomainEvent<E>(e)), decider.initialState());
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, state };
      const revision = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1].revision;
      const result = await store.appendToStream(
        streamId,
        events.map((e) => ({ id: ids.uuid(), type: e.type, data: e.data as Record<string, unknown>, metadata })),
        { expectedRevision: revision },
      );
      return { events, position: result.position, state: events.reduce(decider.evolve, state) };
    });
  return {
    async handle(id, command, metadata) {
      const result = await append(id, command, metadata);
      await writes.waitForWrite(result.position);
      return result;
    },
    async handleEach(commands) {
      const results: CommandResult<E, S>[] = new Array(commands.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < commands.length) {
          const i = next++;
          results[i] = await append(commands[i].id, commands[i].command, commands[i].metadata);
        }
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, commands.length) }, worker));
      const positions = results.flatMap((r) => (r.position === undefined ? [] : [r.position]));
      await writes.waitForWrite(positions.length > 0 ? Math.max(...positions) : undefined);
      return results;
    },
  };
}

function toDomainEvent<E>(e: RecordedEvent): E {
  return { type: e.type, data: e.data } as E;
}
