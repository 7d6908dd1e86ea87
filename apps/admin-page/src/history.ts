/** A token's history as a timeline, shown inside that token's row. */
import { h, formatTime } from './dom';
import type { HistoryEvent } from './api';
import { capitalized, isReuse, reasonWords } from './reasons';

const EVENT_NAMES: Record<string, string> = {
  RefreshTokenIssued: 'Issued',
  RefreshTokenRevoked: 'Revoked',
  // Recorded for a non-rotating token under an idle-expiring policy: each use renews its idle lifetime.
  RefreshTokenExchanged: 'Used',
};

/** "Rotated (generation 3)": the family's new secret; the token id stays. */
function eventName(e: HistoryEvent): string {
  if (e.type === 'RefreshTokenRotated') return typeof e.data.generation === 'number' ? `Rotated (generation ${e.data.generation})` : 'Rotated';
  return EVENT_NAMES[e.type] ?? e.type;
}

/** What an exchange renewed: the idle expiry it recorded. */
function renewal(e: HistoryEvent): HTMLElement | null {
  if (e.type !== 'RefreshTokenRotated' && e.type !== 'RefreshTokenExchanged') return null;
  const idle = e.data.idle_expires_at;
  return typeof idle === 'string' ? h('span', { class: 'why' }, 'idle expiry now ', h('time', { datetime: idle }, formatTime(idle))) : null;
}

/** A caller's reason as given; the service's own (reuse, eviction) in words, reuse as an alarm. */
function why(reason: string | null): HTMLElement | null {
  if (!reason) return null;
  const words = reasonWords(reason);
  if (words === null) return h('span', { class: 'why' }, `reason: ${reason}`);
  return h('span', { class: isReuse(reason) ? 'why alarm' : 'why' }, capitalized(words), ' ', h('code', {}, `(${reason})`));
}

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
          { class: e.type === 'RefreshTokenRevoked' ? (isReuse(e.reason) ? 'event revoked reuse' : 'event revoked') : 'event' },
          h('strong', {}, eventName(e)),
          ' ',
          h('time', { datetime: e.time }, formatTime(e.time)),
          h('span', { class: 'by' }, `by ${e.actor ? actorLabel(e.actor) : 'unknown'}`),
          renewal(e),
          why(e.reason),
        ),
      ),
    ),
    close,
  );
}
