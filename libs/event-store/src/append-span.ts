import { withSpan } from '@app/tracing';
import type { AppendResult, NewEvent } from './event-store.port';

/**
 * The `event-store append` span both adapters put around an append (tracing
 * off: the append alone). Attributes: the store, the stream's category (the
 * part before the first `-`, never the id), the event types and count, the
 * log position written.
 */
export function appendSpan(system: 'sqlite' | 'eventstoredb', streamId: string, events: readonly NewEvent[], append: () => Promise<AppendResult>): Promise<AppendResult> {
  const attributes = {
    'db.system.name': system,
    'event_store.stream_category': streamId.split('-', 1)[0],
    'event_store.event_types': [...new Set(events.map((event) => event.type))].join(','),
    'event_store.event_count': events.length,
  };
  return withSpan(
    'event-store append',
    attributes,
    async (span) => {
      const result = await append();
      span?.setAttribute('event_store.position', result.position);
      return result;
    },
    system === 'eventstoredb' ? 'client' : 'internal',
  );
}
