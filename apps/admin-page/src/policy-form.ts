/**
 * Editing a client's refresh-token policy (PATCH /api/v2/clients/{id}): a
 * small form in the application's row. The service checks the bounds and the
 * rules across fields and names what it refuses; the form only reads whole
 * numbers and sends the whole policy.
 */
import type { Client } from './applications';
import { h } from './dom';
import type { Policy } from './policy';

/** The PATCH body this form sends: the whole policy (every field named), by the server's schema of a policy. */
export interface PolicyChange {
  refresh_token: Policy;
  require_proof_of_possession: boolean;
}

export interface PolicyFormActions {
  save: (change: PolicyChange) => void;
  cancel: () => void;
  /** A field the page cannot send (not a whole number): said in words, focus on the field. */
  refuse: (message: string, field: HTMLElement) => void;
}

function select(id: string, label: string, options: readonly string[], value: string): [HTMLLabelElement, HTMLSelectElement] {
  const element = h('select', { id }, ...options.map((o) => h('option', { value: o, selected: o === value }, o)));
  return [h('label', { for: id }, label), element];
}

function seconds(id: string, label: string, value: number): [HTMLLabelElement, HTMLInputElement] {
  return [h('label', { for: id }, label), h('input', { id, type: 'text', inputmode: 'numeric', autocomplete: 'off', value: String(value), spellcheck: 'false' })];
}

function checkbox(id: string, label: string, checked: boolean): [HTMLInputElement, HTMLLabelElement] {
  return [h('input', { id, type: 'checkbox', checked }), h('label', { for: id, class: 'check' }, label)];
}

export function renderPolicyForm(client: Client, idPrefix: string, actions: PolicyFormActions): HTMLFormElement {
  const p = client.refresh_token;
  const id = (name: string) => `${idPrefix}-${name}`;
  const [rotationLabel, rotation] = select(id('rotation'), 'Rotation', ['non-rotating', 'rotating'], p.rotation_type);
  const [expirationLabel, expiration] = select(id('expiration'), 'Expiration', ['non-expiring', 'expiring'], p.expiration_type);
  const [leewayLabel, leeway] = seconds(id('leeway'), 'Reuse leeway (seconds)', p.leeway);
  const [lifetimeLabel, lifetime] = seconds(id('lifetime'), 'Absolute lifetime (seconds)', p.token_lifetime);
  const [infiniteLifetime, infiniteLifetimeLabel] = checkbox(id('infinite-lifetime'), 'No absolute lifetime', p.infinite_token_lifetime);
  const [idleLabel, idle] = seconds(id('idle'), 'Idle lifetime (seconds)', p.idle_token_lifetime);
  const [infiniteIdle, infiniteIdleLabel] = checkbox(id('infinite-idle'), 'No idle lifetime', p.infinite_idle_token_lifetime);
  const [pop, popLabel] = checkbox(id('pop'), 'Require proof of possession (DPoP-bound tokens only)', client.require_proof_of_possession);
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save policy');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  cancel.addEventListener('click', () => actions.cancel());

  const form = h(
    'form',
    { class: 'policy-form', 'aria-label': `Refresh-token policy of ${client.name}`, novalidate: true },
    h('p', { class: 'hint' }, 'A change applies to each token family at its next exchange.'),
    h('div', { class: 'field' }, rotationLabel, rotation),
    h('div', { class: 'field' }, expirationLabel, expiration),
    h('div', { class: 'field' }, leewayLabel, leeway),
    h('div', { class: 'field' }, lifetimeLabel, lifetime, h('div', { class: 'check-row' }, infiniteLifetime, infiniteLifetimeLabel)),
    h('div', { class: 'field' }, idleLabel, idle, h('div', { class: 'check-row' }, infiniteIdle, infiniteIdleLabel)),
    h('div', { class: 'check-row' }, pop, popLabel),
    h('div', { class: 'actions' }, cancel, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const numbers: Array<[HTMLInputElement, string]> = [
      [leeway, 'the reuse leeway'],
      [lifetime, 'the absolute lifetime'],
      [idle, 'the idle lifetime'],
    ];
    for (const [field, name] of numbers) {
      if (!/^\d{1,9}$/.test(field.value.trim())) return actions.refuse(`Enter ${name} as a whole number of seconds.`, field);
    }
    const expiring = expiration.value === 'expiring';
    actions.save({
      refresh_token: {
        rotation_type: rotation.value as Policy['rotation_type'],
        expiration_type: expiration.value as Policy['expiration_type'],
        leeway: Number(leeway.value.trim()),
        token_lifetime: Number(lifetime.value.trim()),
        idle_token_lifetime: Number(idle.value.trim()),
        // A non-expiring policy has no lifetime: the service requires both flags then.
        infinite_token_lifetime: !expiring || infiniteLifetime.checked,
        infinite_idle_token_lifetime: !expiring || infiniteIdle.checked,
      },
      require_proof_of_possession: pop.checked,
    });
  });
  return form;
}
