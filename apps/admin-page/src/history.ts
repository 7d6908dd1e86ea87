/** A token's history as a timeline, shown inside that token's row. */
import { h, formatTime } from './dom';
import type { HistoryEvent } from './api';

const EVENT_NAMES: Record<string, string> = { RefreshTokenIssued: 'Issued', RefreshTokenRevoked: 'Revoked' };

/** `actorLabel` turns an actor (a client id) into its application's name. */
export function renderHistory(id: string, events: readonly HistoryEvent[], actorLabel: (actor: string) => string, close: HTMLButtonElement): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'history-title', class: 'history' },
    h('h6', { id: 'history-title', tabindex: '-1' }, 'History of token ', h('code', {}, id)),
    h(
      'ol',
      { class: 'timeline' },
      ...events.map((e) =>
        h(
          'li',
          { class: e.type === 'RefreshTokenRevoked' ? 'event revoked' : 'event' },
          h('strong', {}, EVENT_NAMES[e.type] ?? e.type),
          ' ',
          h('time', { datetime: e.time }, formatTime(e.time)),
          h('span', { class: 'by' }, `by ${e.actor ? actorLabel(e.actor) : 'unknown'}`),
          e.reason ? h('span', { class: 'why' }, `reason: ${e.reason}`) : null,
        ),
      ),
    ),
    close,
  );
}
