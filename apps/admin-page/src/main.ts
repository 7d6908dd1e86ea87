/**
 * The administration page: sign in with a management client, find a user,
 * see their devices and tokens, revoke one device or all, read a token's
 * history. The management token lives in `session` only (no storage, no
 * cookie) and is dropped on "Sign out" or when it expires.
 */
import { ApiError, enc, management, signIn, userTokens, type HistoryEvent, type UserMatch } from './api';
import { byId, fact, formatTime, h } from './dom';
import { groupByDevice, isRevoked, type Device } from './devices';
import { loadApplications, renderApplications, type Application } from './applications';
import type { PolicyChange } from './policy-form';
import { clientLabel, clientName, forgetClientNames, loadClientNames } from './client-names';
import { renderHistory } from './history';
import { renderToken } from './token-row';
import { remember, renderMatches, renderRecent } from './users';

interface Session {
  token: string;
  clientId: string;
  expiresAt: number;
  timer: number;
}

let session: Session | null = null;
let working = false;
let shownUser: string | null = null;
/** Users looked up in this session, newest first: memory only, gone on sign-out. */
let recentUsers: string[] = [];

const signInSection = byId('sign-in');
const usersSection = byId('users');
const results = byId('results');
const recentBox = byId('recent');
const status = byId('status');
const errorBox = byId('error');
const dialog = byId<HTMLDialogElement>('confirm');
const reasonInput = byId<HTMLInputElement>('confirm-reason');

function say(message: string): void {
  status.textContent = message;
}

function fail(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.textContent = '';
  errorBox.hidden = true;
}

/** Runs one call at a time, shows that it is working, and turns any failure into words. */
async function busy<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
  if (working) return undefined;
  working = true;
  const started = session;
  clearError();
  say(label);
  document.body.classList.add('busy');
  byId('main').setAttribute('aria-busy', 'true');
  try {
    return await work();
  } catch (error) {
    if (session !== started) return undefined; // signed out meanwhile: the answer no longer matters
    say('');
    if (error instanceof ApiError && error.status === 401 && session) {
      endSession('Your session has expired. Sign in again.');
    } else {
      fail(error instanceof Error ? error.message : 'Something went wrong.');
    }
    return undefined;
  } finally {
    working = false;
    document.body.classList.remove('busy');
    byId('main').removeAttribute('aria-busy');
  }
}

function token(): string {
  if (!session) throw new ApiError('You are signed out. Sign in again.', 401);
  return session.token;
}

// ---- sign in / out

byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const idField = byId<HTMLInputElement>('client-id');
  const secretField = byId<HTMLInputElement>('client-secret');
  const clientId = idField.value.trim();
  const secret = secretField.value;
  if (!clientId || !secret) {
    fail('Enter the client ID and the client secret.');
    (clientId ? secretField : idField).focus();
    return;
  }
  void busy('Signing in…', async () => {
    const issued = await signIn(clientId, secret);
    secretField.value = '';
    const timer = window.setTimeout(() => endSession('Your session has expired. Sign in again.'), Math.max(0, issued.expiresAt - Date.now()));
    session = { token: issued.accessToken, clientId, expiresAt: issued.expiresAt, timer };
    byId('session-text').textContent = `Signed in as ${clientId}, until ${formatTime(new Date(issued.expiresAt).toISOString())}`;
    byId('session').hidden = false;
    signInSection.hidden = true;
    usersSection.hidden = false;
    say('Signed in.');
    byId('user-id').focus();
  });
});

function endSession(message?: string): void {
  if (session) window.clearTimeout(session.timer);
  session = null;
  shownUser = null;
  recentUsers = [];
  recentBox.replaceChildren();
  forgetClientNames();
  results.replaceChildren();
  if (dialog.open) dialog.close();
  byId<HTMLInputElement>('user-id').value = '';
  byId<HTMLInputElement>('client-secret').value = '';
  byId('session').hidden = true;
  usersSection.hidden = true;
  signInSection.hidden = false;
  clearError();
  if (message) fail(message);
  say(message ? '' : 'Signed out.');
  byId('client-id').focus();
}

byId('sign-out').addEventListener('click', () => endSession());

// ---- find a user

byId<HTMLFormElement>('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const query = byId<HTMLInputElement>('user-id').value.trim();
  if (!query) {
    fail('Enter a user ID or its start.');
    byId('user-id').focus();
    return;
  }
  void busy(`Looking up ${query}…`, () => findUsers(query));
});

// ---- applications

byId('show-apps').addEventListener('click', () => void busy('Reading the applications…', showApplications));

async function showApplications(): Promise<void> {
  const current = session;
  const apps = await loadApplications(token());
  if (session !== current) return;
  shownUser = null;
  results.replaceChildren(
    renderApplications(apps, {
      revokeAll: confirmRevokeApplication,
      savePolicy,
      refuse: (message, field) => {
        fail(message);
        field.focus();
      },
    }),
  );
  say(`${plural(apps.length, 'application')}.`);
  byId('apps-title').focus();
}

function confirmRevokeApplication({ client, validTokens }: Application, button: HTMLButtonElement): void {
  const count = validTokens === null ? 'every valid token' : plural(validTokens, 'valid token');
  confirmRevoke(button, {
    title: `Revoke all tokens of ${client.name}?`,
    text: `This revokes ${count} issued to ${client.name} (${client.client_id}), for every user and device. Everyone signed in to this application will have to sign in again.`,
    done: `All of ${client.name}'s tokens revoked.`,
    path: `clients/${enc(client.client_id)}/refresh-tokens`,
    userId: null,
    reload: showApplications,
  });
}

function savePolicy({ client }: Application, change: PolicyChange): void {
  void busy(`Saving the policy of ${client.name}…`, async () => {
    await management(token(), 'PATCH', `clients/${enc(client.client_id)}`, change);
    forgetClientNames(); // the device lists read the policies again
    await showApplications();
    say(`The refresh-token policy of ${client.name} is saved.`);
  });
}

// ---- search results

const SEARCH_LIMIT = 20;

/** The user whose id is the query, or the only match, is shown at once; several matches are listed to pick from. */
async function findUsers(query: string): Promise<void> {
  const current = session;
  const matches = await management<UserMatch[]>(token(), 'GET', `users?q=${enc(query)}&per_page=${SEARCH_LIMIT}`);
  if (session !== current) return;
  const only = matches.find((m) => m.user_id === query)?.user_id ?? (matches.length === 1 ? matches[0]!.user_id : matches.length === 0 ? query : null);
  if (only !== null) {
    await showUser(only);
    document.getElementById('devices-title')?.focus();
    return;
  }
  results.replaceChildren(renderMatches(query, matches, SEARCH_LIMIT, pickUser));
  say(`${plural(matches.length, 'user')} matching ${query}.`);
  byId('matches-title').focus();
}

function pickUser(userId: string): void {
  void busy(`Looking up ${userId}…`, async () => {
    await showUser(userId);
    byId('devices-title').focus();
  });
}

async function showUser(userId: string): Promise<void> {
  const current = session;
  const tokens = await userTokens(token(), userId);
  const valid = tokens.filter((t) => !isRevoked(t));
  const devices = groupByDevice(tokens);
  await loadClientNames(token(), [...devices.map((d) => d.clientId), ...tokens.flatMap((t) => (t.revoked_by ? [t.revoked_by] : []))]);
  if (session !== current) return; // signed out meanwhile: show nothing
  shownUser = userId;
  recentUsers = remember(recentUsers, userId);
  recentBox.replaceChildren(renderRecent(recentUsers, pickUser) ?? '');
  renderDevices(userId, devices, valid.length);
  say(`${userId}: ${plural(devices.length, 'device')}, ${plural(valid.length, 'valid token')}.`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function renderDevices(userId: string, devices: Device[], validCount: number): void {
  const list = h('ul', { class: 'devices' }, ...devices.map(renderDevice));
  results.replaceChildren(
    h(
      'section',
      { 'aria-labelledby': 'devices-title' },
      h(
        'div',
        { class: 'results-head' },
        h('h3', { id: 'devices-title', tabindex: '-1' }, `Devices of ${userId}`),
        validCount > 0 ? revokeAllButton(userId, validCount) : null,
      ),
      devices.length === 0 ? h('p', { class: 'empty' }, 'This user has no refresh token.') : list,
    ),
  );
}

function revokeAllButton(userId: string, validCount: number): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'danger' }, 'Revoke all');
  button.addEventListener('click', () =>
    confirmRevoke(button, {
      title: `Revoke all devices of ${userId}?`,
      text: `This revokes ${plural(validCount, 'valid token')} of this user, on every device and application. They will have to sign in again everywhere.`,
      done: `All of ${userId}'s tokens revoked.`,
      path: `users/${enc(userId)}/refresh-tokens`,
      userId,
    }),
  );
  return button;
}

function renderDevice(device: Device): HTMLLIElement {
  const valid = device.tokens.filter((t) => !isRevoked(t));
  const headingId = `device-${device.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const revoke =
    valid.length > 0
      ? h('button', { type: 'button', class: 'danger icon', 'aria-label': `Revoke ${device.deviceName}` }, h('span', { 'aria-hidden': 'true' }, '✕ '), 'Revoke')
      : null;
  revoke?.addEventListener('click', () =>
    confirmRevoke(revoke, {
      title: `Revoke ${device.deviceName}?`,
      text: `This revokes ${plural(valid.length, 'valid token')} of ${device.deviceName} for ${clientLabel(device.clientId)}. The application on that device will have to sign in again.`,
      done: `${device.deviceName} revoked.`,
      path: `users/${enc(valid[0]!.user_id)}/refresh-tokens?client_id=${enc(device.clientId)}&device_id=${enc(device.deviceId)}`,
      userId: valid[0]!.user_id,
    }),
  );
  return h(
    'li',
    { class: valid.length === 0 ? 'device revoked' : 'device', 'aria-labelledby': headingId },
    h(
      'div',
      { class: 'device-head' },
      h('h4', { id: headingId }, device.deviceName),
      valid.length === 0 ? h('span', { class: 'badge revoked' }, 'Revoked') : null,
      revoke,
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('Application', h('span', {}, clientName(device.clientId) ?? 'Unknown name', ' ', h('code', {}, device.clientId))),
      fact('Device ID', h('code', {}, device.deviceId)),
      fact('Created', h('time', { datetime: device.createdAt }, formatTime(device.createdAt))),
    ),
    h('h5', {}, `Tokens (${device.tokens.length})`),
    h('ul', { class: 'tokens' }, ...device.tokens.map((t) => renderToken(t, (id, opener, beside) => void showHistory(id, opener, beside)))),
  );
}

// ---- revoke (with confirmation)

interface Revocation {
  title: string;
  text: string;
  done: string;
  /** The bulk-revoke path (filters in its query). */
  path: string;
  /** The user whose devices are shown (read back after), or null. */
  userId: string | null;
  /** Reads the view back after the revocation (the applications view). */
  reload?: () => Promise<void>;
}

let pending: { revocation: Revocation; opener: HTMLElement } | null = null;

function confirmRevoke(opener: HTMLElement, revocation: Revocation): void {
  if (working) return;
  clearError();
  pending = { revocation, opener };
  byId('confirm-title').textContent = revocation.title;
  byId('confirm-text').textContent = revocation.text;
  reasonInput.value = '';
  dialog.returnValue = '';
  dialog.showModal();
  reasonInput.focus();
}

byId('confirm-cancel').addEventListener('click', () => dialog.close('cancel'));
dialog.addEventListener('close', () => {
  if (dialog.returnValue !== 'revoke' && pending) {
    const { opener } = pending;
    pending = null;
    say('Nothing was revoked.');
    opener.focus();
  }
});

byId<HTMLFormElement>('confirm-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!pending) return;
  const { revocation } = pending;
  const reason = reasonInput.value.trim();
  dialog.returnValue = 'revoke';
  void busy('Revoking…', async () => {
    await revoke(revocation, reason);
    pending = null;
    dialog.close('revoke');
    say(revocation.done);
    if (revocation.reload) byId('apps-title').focus();
    else if (shownUser === revocation.userId) byId('devices-title').focus();
  }).then(() => {
    if (pending) {
      // The call failed: the error is on the page, behind the dialog; close it to show it.
      const { opener } = pending;
      pending = null;
      dialog.close('failed');
      (opener.isConnected ? opener : byId('user-id')).focus();
    }
  });
});

async function revoke(revocation: Revocation, reason: string): Promise<void> {
  const withReason = (path: string) => (reason ? `${path}${path.includes('?') ? '&' : '?'}reason=${enc(reason)}` : path);
  await management(token(), 'DELETE', withReason(revocation.path));
  // Read the user back: the listing shows what the service recorded (when, by whom, why).
  if (revocation.reload) await revocation.reload();
  else if (revocation.userId !== null && shownUser === revocation.userId) await showUser(revocation.userId);
}

// ---- history (beside its token; one open at a time)

async function showHistory(id: string, opener: HTMLElement, beside: HTMLElement): Promise<void> {
  await busy(`Reading the history of ${id}…`, async () => {
    const current = session;
    const { events } = await management<{ events: HistoryEvent[] }>(token(), 'GET', `refresh-tokens/${enc(id)}/history`);
    await loadClientNames(token(), events.map((e) => e.actor).filter(Boolean));
    if (session !== current) return; // signed out meanwhile: show nothing
    const close = h('button', { type: 'button', class: 'secondary' }, 'Close history');
    close.addEventListener('click', () => {
      beside.replaceChildren();
      (opener.isConnected ? opener : byId('devices-title')).focus();
    });
    for (const open of document.querySelectorAll('.token-history')) open.replaceChildren();
    beside.replaceChildren(renderHistory(id, events, clientLabel, close));
    say(`History of ${id}: ${plural(events.length, 'event')}.`);
    byId('history-title').focus();
  });
}
