import type { EventStore, ReadAllOptions, RecordedEvent } from '@app/event-store';
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
