/**
 * Finding a user: the matches of a prefix search, and the users looked up in
 * this session ("recent"), kept in memory only like the rest of the session.
 */
import { h, formatTime } from './dom';
import type { UserMatch } from './api';

/** How many recent users the page remembers (this tab, this session). */
export const RECENT_USERS = 5;

/** `userId` first, once, at most RECENT_USERS. */
export function remember(recent: readonly string[], userId: string): string[] {
  return [userId, ...recent.filter((id) => id !== userId)].slice(0, RECENT_USERS);
}

function userButton(userId: string, pick: (userId: string) => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link' }, userId);
  button.addEventListener('click', () => pick(userId));
  return button;
}

/** The users whose id (or its part after the connection) starts with `query`. */
export function renderMatches(query: string, matches: readonly UserMatch[], limit: number, pick: (userId: string) => void): HTMLElement {
  const tokens = (m: UserMatch) => (m.valid_tokens === 1 ? '1 valid token' : `${m.valid_tokens} valid tokens`);
  return h(
    'section',
    { 'aria-labelledby': 'matches-title' },
    h('div', { class: 'results-head' }, h('h3', { id: 'matches-title', tabindex: '-1' }, `Users matching “${query}”`)),
    h(
      'ul',
      { class: 'matches' },
      ...matches.map((m) =>
        h('li', {}, userButton(m.user_id, pick), h('span', { class: 'meta' }, `${tokens(m)} · last issued `, h('time', { datetime: m.last_issued_at }, formatTime(m.last_issued_at)))),
      ),
    ),
    matches.length >= limit ? h('p', { class: 'hint' }, `The first ${limit} shown: type more of the user ID to narrow the search.`) : null,
  );
}

/** The recent users as buttons, or nothing. */
export function renderRecent(recent: readonly string[], pick: (userId: string) => void): HTMLElement | null {
  if (recent.length === 0) return null;
  return h('nav', { 'aria-label': 'Recent users', class: 'recent' }, h('span', { class: 'meta' }, 'Recent: '), ...recent.map((id) => userButton(id, pick)));
}
