import type { EventMetadata, EventStore, ExpectedRevision, RecordedEvent } from '@app/event-store';
import { retryOnConcurrency } from '@app/event-store';
import type { Decider, IdGenerator } from '@app/shared';

export interface CommandResult<E> {
  /** The events appended (empty when the decision was a no-op, e.g. a second revoke). */
  events: E[];
  /** Global position of the last appended event; undefined when nothing was appended. */
  position?: number;
  /** The stream's revision after the command (-1: the stream does not exist). */
  revision: number;
}

/**
 * Load the stream, fold it, decide, append with the revision we read
 * (invariant 5), and on a concurrency conflict do it all again from fresh
 * state. Decisions are pure, so a retry is safe; each attempt gets new event ids.
 */
export async function handleCommand<C, S, E extends { type: string; data: object }>(
  store: EventStore,
  streamId: string,
  decider: Decider<S, C, E>,
  command: C,
  metadata: EventMetadata,
  ids: IdGenerator,
): Promise<CommandResult<E>> {
  return retryOnConcurrency(async () => {
    const recorded = await store.readStream(streamId);
    const state = recorded.reduce((s, e) => decider.evolve(s, toDomainEvent<E>(e)), decider.initialState());
    const revision = recorded.length === 0 ? -1 : recorded[recorded.length - 1].revision;
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, revision };
    const expectedRevision: ExpectedRevision = revision < 0 ? 'no_stream' : revision;
    const result = await store.appendToStream(
      streamId,
      events.map((e) => ({ id: ids.uuid(), type: e.type, data: e.data as Record<string, unknown>, metadata })),
      { expectedRevision },
    );
    return { events, position: result.position, revision: result.nextExpectedRevision };
  });
}

function toDomainEvent<E>(e: RecordedEvent): E {
  return { type: e.type, data: e.data } as E;
}
