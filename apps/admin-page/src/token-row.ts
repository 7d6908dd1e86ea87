/**
 * One token in a device's list: valid or revoked (by whom, why), its policy
 * in words, its expiries and last exchange, its generation, its DPoP binding,
 * and the button that opens its history beside it.
 */
import type { RefreshToken } from './api';
import { clientLabel, clientPolicy } from './client-names';
import { isRevoked } from './devices';
import { fact, formatTime, h } from './dom';
import { tokenPolicySummary } from './policy';
import { isReuse, reasonWords } from './reasons';

const when = (iso: string | null, none: string): Node | string => (iso === null ? none : h('time', { datetime: iso }, formatTime(iso)));

/** "· reason: stolen", or the words of a reason the service records by itself. */
function revocationReason(reason: string | null | undefined): string {
  if (!reason) return '';
  return ` · reason: ${reasonWords(reason) ?? reason}`;
}

export function renderToken(t: RefreshToken, showHistory: (id: string, opener: HTMLButtonElement, beside: HTMLElement) => void): HTMLLIElement {
  const history = h('button', { type: 'button', class: 'secondary small', 'aria-label': `History of token ${t.id}` }, 'History');
  const beside = h('div', { class: 'token-history' });
  history.addEventListener('click', () => showHistory(t.id, history, beside));
  const revoked = isRevoked(t);
  const rotated = t.rotating || t.generation > 0;
  return h(
    'li',
    { class: 'token' },
    h('code', { class: 'token-id' }, t.id),
    h(
      'span',
      { class: 'badges' },
      h('span', { class: revoked ? 'badge revoked' : 'badge valid' }, revoked ? 'Revoked' : 'Valid'),
      isReuse(t.revocation_reason) ? h('span', { class: 'badge alarm' }, 'Reuse detected') : null,
      t.dpop_jkt !== null ? h('span', { class: 'badge bound' }, 'DPoP-bound') : null,
    ),
    h('span', { class: 'meta' }, 'Issued ', h('time', { datetime: t.created_at }, formatTime(t.created_at)), ` · scope ${t.scope}`),
    revoked
      ? h(
          'span',
          { class: 'meta' },
          'Revoked ',
          h('time', { datetime: t.revoked_at! }, formatTime(t.revoked_at!)),
          ` by ${t.revoked_by ? clientLabel(t.revoked_by) : 'unknown'}${revocationReason(t.revocation_reason)}`,
        )
      : null,
    h(
      'dl',
      { class: 'facts token-facts' },
      fact('Policy', tokenPolicySummary(t, clientPolicy(t.client_id))),
      fact('Expires', when(t.expires_at, 'never')),
      fact('Idle expiry', when(t.idle_expires_at, 'never')),
      fact('Last exchanged', when(t.last_exchanged_at, 'never')),
      rotated ? fact('Generation', String(t.generation)) : null,
      t.dpop_jkt !== null ? fact('DPoP key thumbprint', h('code', {}, t.dpop_jkt)) : null,
    ),
    history,
    beside,
  );
}
