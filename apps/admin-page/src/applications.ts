/**
 * The applications view: each client's type, refresh-token policy and its
 * number of valid tokens, with "Revoke all" of that application's tokens (the caller confirms)
 * and "Edit policy".
 */
import type { z } from 'zod';
import type { clientSchema } from '../../token-service/src/management/refresh-token-schemas';
import { ApiError, enc, management } from './api';
import { fact, h } from './dom';
import { policyFacts } from './policy';
import { renderPolicyForm, type PolicyChange } from './policy-form';

/** A client as GET /api/v2/clients answers it, by the server's schema. */
export type Client = z.output<typeof clientSchema>;

export interface Application {
  client: Client;
  /** Valid tokens now; null when this session may not count them (no read:device_credentials). */
  validTokens: number | null;
}

/** The first page of up to 100 clients is what one screen shows. */
const APPLICATIONS_SHOWN = 100;

export async function loadApplications(token: string): Promise<Application[]> {
  const clients = await management<Client[]>(token, 'GET', `clients?per_page=${APPLICATIONS_SHOWN}`);
  return Promise.all(
    clients.map(async (client) => {
      try {
        const page = await management<{ total: number }>(token, 'GET', `device-credentials?client_id=${enc(client.client_id)}&per_page=1&include_totals=true`);
        return { client, validTokens: page.total };
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) return { client, validTokens: null };
        throw error;
      }
    }),
  );
}

export interface ApplicationActions {
  revokeAll: (app: Application, button: HTMLButtonElement) => void;
  /** PATCH the client with the form's policy; the caller reads the view back. */
  savePolicy: (app: Application, change: PolicyChange) => void;
  /** A form field the page cannot send, in words. */
  refuse: (message: string, field: HTMLElement) => void;
}

/** The policy's facts, and "Edit policy", which opens the form below them (one field set per application). */
function policySection(app: Application, headingId: string, actions: ApplicationActions): HTMLElement[] {
  const { client } = app;
  const edit = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit policy of ${client.name}` }, 'Edit policy');
  const editor = h('div', { class: 'policy-editor' });
  const close = () => {
    editor.replaceChildren();
    edit.hidden = false;
    edit.focus();
  };
  edit.addEventListener('click', () => {
    const form = renderPolicyForm(client, headingId, { save: (change) => actions.savePolicy(app, change), cancel: close, refuse: actions.refuse });
    editor.replaceChildren(form);
    edit.hidden = true;
    form.querySelector('select')?.focus();
  });
  return [
    h('div', { class: 'subhead' }, h('h5', {}, 'Refresh-token policy'), edit),
    h('dl', { class: 'facts' }, ...policyFacts(client.refresh_token, client.require_proof_of_possession).map(([term, value]) => fact(term, value))),
    editor,
  ];
}

export function renderApplications(apps: readonly Application[], actions: ApplicationActions): HTMLElement {
  const item = (app: Application) => {
    const { client, validTokens } = app;
    const headingId = `app-${client.client_id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const button = validTokens !== 0 ? h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke all tokens of ${client.name}` }, 'Revoke all') : null;
    button?.addEventListener('click', () => actions.revokeAll(app, button));
    return h(
      'li',
      { class: 'device', 'aria-labelledby': headingId },
      h('div', { class: 'device-head' }, h('h4', { id: headingId }, client.name), button),
      h(
        'dl',
        { class: 'facts' },
        fact('Client ID', h('code', {}, client.client_id)),
        fact('Type', client.app_type),
        fact('Token endpoint authentication', client.token_endpoint_auth_method),
        fact('Valid tokens', validTokens === null ? 'Not visible to this client' : String(validTokens)),
      ),
      ...policySection(app, headingId, actions),
    );
  };
  return h(
    'section',
    { 'aria-labelledby': 'apps-title' },
    h('div', { class: 'results-head' }, h('h3', { id: 'apps-title', tabindex: '-1' }, 'Applications')),
    apps.length === 0 ? h('p', { class: 'empty' }, 'No application is registered.') : h('ul', { class: 'devices' }, ...apps.map(item)),
  );
}
