import type { EventMetadata, EventStore, RecordedEvent } from '@app/event-store';
import { retryOnConcurrency } from '@app/event-store';
import type { Decider, IdGenerator } from '@app/shared';

type DomainEvent = { type: string; data: object };

export interface CommandResult<E> {
  /** The events appended (empty when the decider decided nothing, e.g. a second revoke). */
  events: E[];
  /** Global position of the last appended event; undefined when nothing was appended. */
  position?: number;
}

/** One decider's command handling, bound once (emmett's `DeciderCommandHandler`). */
export interface DeciderCommandHandler<C, E> {
  /** Handles `command` against the stream of aggregate `id`. */
  handle(id: string, command: C, metadata: EventMetadata): Promise<CommandResult<E>>;
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
  deps: { store: EventStore; ids: IdGenerator },
): DeciderCommandHandler<C, E> {
  const { store, ids } = deps;
  return {
    handle: (id, command, metadata) =>
      retryOnConcurrency(async () => {
        const streamId = mapToStreamId(id);
        const recorded = await store.readStream(streamId);
        const state = recorded.reduce((s, e) => decider.evolve(s, toDomainEvent<E>(e)), decider.initialState());
        const events = decider.decide(command, state);
        if (events.length === 0) return { events };
        const revision = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1].revision;
        const result = await store.appendToStream(
          streamId,
          events.map((e) => ({ id: ids.uuid(), type: e.type, data: e.data as Record<string, unknown>, metadata })),
          { expectedRevision: revision },
        );
        return { events, position: result.position };
      }),
  };
}

function toDomainEvent<E>(e: RecordedEvent): E {
  return { type: e.type, data: e.data } as E;
}
