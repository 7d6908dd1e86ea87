import { readInBatches, type EventStore, type ReadAllOptions, type RecordedEvent } from '@app/event-store';
import { PROGRESS_EVERY, silentProgress, type ProgressReporter } from './progress';

/**
 * Reads the log in order (as `store.readAll`) and reports progress: the one
 * loop every full-log audit goes through. Memory stays constant: the adapters
 * read page by page.
 */
export async function* scanLog(store: EventStore, options: ReadAllOptions & { progress?: ProgressReporter } = {}): AsyncGenerator<RecordedEvent> {
  const progress = options.progress ?? silentProgress;
  const { progress: _progress, ...read } = options;
  progress.start(await store.headPosition());
  let events = 0;
  let position = read.after ?? 0;
  try {
    for await (const event of store.readAll(read)) {
      events++;
      position = event.position;
      if (events % PROGRESS_EVERY === 0) progress.update(position, events);
      yield event;
    }
    progress.update(position, events);
  } finally {
    progress.stop();
  }
}

/**
 * The whole log in pages of `pageSize` events (as `readInBatches`: one query
 * per page where the adapter has `readPages`, whose events carry their stored
 * text), with progress: the bulk read of `verify`.
 */
export async function* scanLogPages(store: EventStore, options: { pageSize: number; progress?: ProgressReporter }): AsyncGenerator<RecordedEvent[]> {
  const progress = options.progress ?? silentProgress;
  progress.start(await store.headPosition());
  let events = 0;
  try {
    for await (const page of readInBatches(store, { streamPrefixes: [], batchSize: options.pageSize })) {
      events += page.length;
      progress.update(page[page.length - 1].position, events);
      yield page;
    }
  } finally {
    progress.stop();
  }
}
