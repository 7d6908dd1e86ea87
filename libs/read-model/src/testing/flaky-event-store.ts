import {
  EventStoreUnavailableError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@app/event-store';

/**
 * A test double around a real EventStore that can fail like an outage: while
 * `down`, reads and subscriptions throw EventStoreUnavailableError; `failNextEvent`
 * makes a running subscription fail on its next delivery. It also records the
 * `after` of every read, to show where a reader resumed.
 */
export class FlakyEventStore implements EventStore {
  down = false;
  failNextEvent = false;
  readonly readsFrom: Array<{ call: 'readAll' | 'subscribeToAll'; after: number | undefined }> = [];

  constructor(private readonly inner: EventStore) {}

  appendToStream(streamId: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, events, options);
  }

  readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId);
  }

  readLastEvent(streamId: string): Promise<RecordedEvent | undefined> {
    return this.inner.readLastEvent(streamId);
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.readsFrom.push({ call: 'readAll', after: options?.after });
    if (this.down) throw new EventStoreUnavailableError('test: event store down');
    yield* this.inner.readAll(options);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.readsFrom.push({ call: 'subscribeToAll', after: options.after });
    if (this.down) throw new EventStoreUnavailableError('test: event store down');
    return this.inner.subscribeToAll({
      ...options,
      onEvent: (event) => {
        if (this.failNextEvent) {
          this.failNextEvent = false;
          throw new EventStoreUnavailableError('test: connection lost mid-subscription');
        }
        return options.onEvent(event);
      },
    });
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
