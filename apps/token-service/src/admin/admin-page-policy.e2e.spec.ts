/**
 * The administration page shows refresh-token policies and what they did: a
 * token's policy in words, expiries, last exchange, generation and DPoP
 * binding; rotations, uses, reuse and eviction in its history; each
 * application's policy. In chromium against a started token-service (SQLite),
 * the tokens rotated and replayed through /oauth/token as a client would.
 */
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { proofKey } from '@app/dpop/testing/proofs';
import { MAX_TOKENS_PER_USER_AND_CLIENT } from '@app/refresh-tokens';
import { createClient, history, issueRefreshToken, managementClientWithScopes, type CreatedClient, type IssuedRefreshToken } from '../../../../test/support/fixtures';
import { eventually, launchBrowser } from '../../../../test/support/browser';
import { refreshGrant, rotationEnv, UNKNOWN, type PolicyBody } from '../../../../test/support/rotation';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../test/support/token-service';
import { axeViolations, buildAdminPage, freshPage, ROOT } from './testing/admin-page.browser';

jest.setTimeout(90_000);
/** ADMIN_PAGE_SCREENSHOTS=docs/images also writes the README's screenshot of a detected reuse. */
const SCREENSHOTS = process.env.ADMIN_PAGE_SCREENSHOTS;

const DAY = 86_400;
const ROTATING: PolicyBody = { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 30 * DAY, idle_token_lifetime: 15 * DAY };

interface TokenView {
  expires_at: string | null;
  idle_expires_at: string | null;
  last_exchanged_at: string | null;
  generation: number;
}

describe('administration page (/admin) shows refresh-token policies, in chromium', () => {
  let svc: TokenServiceUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let violations: string[];

  beforeAll(async () => {
    buildAdminPage();
    [svc, browser] = await Promise.all([startTokenService({ adapter: 'sqlite', env: rotationEnv() }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });
  beforeEach(async () => {
    ({ context, page } = await freshPage(browser));
    violations = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Trusted Type/i.test(message.text())) violations.push(message.text());
    });
  });
  afterEach(async () => {
    await context?.close();
  });

  async function signIn(clientId = svc.managementClientId, secret = svc.managementClientSecret): Promise<void> {
    await page.goto(`${svc.baseUrl}admin`);
    await page.getByLabel('Client ID').fill(clientId);
    await page.getByLabel('Client secret').fill(secret);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('User ID').waitFor();
  }

  async function findUser(userId: string): Promise<void> {
    await page.getByLabel('User ID').fill(userId);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: `Devices of ${userId}` }).waitFor();
  }

  async function tokenView(id: string): Promise<TokenView> {
    const r = await svc.http.get<TokenView>(`/api/v2/refresh-tokens/${id}`, { token: await svc.managementToken() });
    expect(r.status).toBe(200);
    return r.body;
  }

  /** A token's row (the one with its history button). */
  const tokenRow = (id: string): Locator =>
    page.locator('li.token').filter({ has: page.getByRole('button', { name: `History of token ${id}`, exact: true }) });

  /** A `dl`'s terms and values; a value that is a time gives its machine-readable datetime. */
  const facts = (dl: Locator): Promise<Record<string, string>> =>
    dl.evaluate((list) =>
      Object.fromEntries(
        [...list.querySelectorAll(':scope > div')].map((pair) => {
          const dd = pair.querySelector('dd')!;
          return [pair.querySelector('dt')!.textContent!.trim(), dd.querySelector('time')?.getAttribute('datetime') ?? dd.textContent!.trim()];
        }),
      ),
    );

  const badges = async (row: Locator): Promise<string[]> => (await row.locator('.badges > *').allInnerTexts()).map((t) => t.trim());

  async function openHistory(id: string): Promise<Locator> {
    await tokenRow(id).getByRole('button', { name: `History of token ${id}`, exact: true }).click();
    const timeline = page.getByRole('region', { name: `History of token ${id}` });
    await eventually(async () => expect(await timeline.getByRole('heading').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true));
    return timeline;
  }

  it('a rotating token replayed after its rotations: generation, lifetimes, and "reuse detected — family revoked" in its row and history', async () => {
    const app = await createClient(svc, { name: 'Acme SPA', app_type: 'native', refresh_token: ROTATING });
    const userId = uniqueId('auth0|rotating');
    const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Pixel 8' });
    const first = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(first.status).toBe(200);
    const second = await refreshGrant(svc, app.client_id, first.body.refresh_token!);
    expect(second.status).toBe(200);
    // The attack: the spent first secret, presented again after two rotations.
    const replay = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual(UNKNOWN);
    expect((await refreshGrant(svc, app.client_id, second.body.refresh_token!)).status).toBe(400);
    const view = await tokenView(issued.id);
    expect(view.generation).toBe(2);
    expect(view.expires_at).not.toBeNull();

    await signIn();
    await findUser(userId);
    const row = tokenRow(issued.id);
    expect(await badges(row)).toEqual(['Revoked', 'Reuse detected']);
    expect(await row.innerText()).toMatch(/Revoked .* UTC by system · reason: reuse detected — family revoked/);
    expect(await facts(row.locator('dl'))).toEqual({
      Policy: 'rotating, expires',
      Expires: view.expires_at,
      'Idle expiry': view.idle_expires_at,
      'Last exchanged': view.last_exchanged_at,
      Generation: '2',
    });

    const timeline = await openHistory(issued.id);
    const items = timeline.getByRole('listitem');
    await eventually(async () => expect(await items.count()).toBe(4));
    const events = (await history(svc, issued.id)).events;
    const titles = await items.locator('strong').allInnerTexts();
    expect(titles.map((t) => t.trim())).toEqual(['Issued', 'Rotated (generation 1)', 'Rotated (generation 2)', 'Revoked']);
    expect(await items.nth(2).locator('.why time').getAttribute('datetime')).toBe(events[2]!.data.idle_expires_at);
    const alarm = items.nth(3).getByText('Reuse detected — family revoked');
    await alarm.waitFor({ state: 'visible' });
    // Its actor is the client that presented the spent secret; the revocation itself is the service's (the row's "by system").
    expect(await items.nth(3).innerText()).toContain(`by Acme SPA (${app.client_id})`);
    // Prominent: bold and framed in the danger colour, unlike an ordinary reason.
    const style = await alarm.evaluate((el) => {
      const s = el.ownerDocument.defaultView!.getComputedStyle(el);
      return { weight: s.fontWeight, border: s.borderTopStyle, color: s.borderTopColor };
    });
    expect(style).toEqual({ weight: '700', border: 'solid', color: 'rgb(179, 38, 30)' });

    if (SCREENSHOTS) {
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(ROOT, SCREENSHOTS, 'admin-page-reuse.png'), fullPage: true });
    }
    // No secret of the family anywhere on the page.
    const text = await page.content();
    for (const secret of [issued.refresh_token, first.body.refresh_token!, second.body.refresh_token!]) expect(text).not.toContain(secret);
    expect(await axeViolations(page)).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('a DPoP-bound token says so with its key thumbprint; a legacy client\'s token never expires and has no generation', async () => {
    const app = await createClient(svc, { name: 'Acme Desktop', app_type: 'native' });
    const key = await proofKey('ES256');
    const jkt = await calculateJwkThumbprint(key.publicJwk, 'sha256');
    const userId = uniqueId('auth0|bound');
    const bound = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Laptop', dpop_jkt: jkt } as never);
    const plain = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Phone' });

    await signIn();
    await findUser(userId);
    expect(await badges(tokenRow(bound.id))).toEqual(['Valid', 'DPoP-bound']);
    expect(await facts(tokenRow(bound.id).locator('dl'))).toEqual({
      Policy: 'legacy: never expires',
      Expires: 'never',
      'Idle expiry': 'never',
      'Last exchanged': 'never',
      'DPoP key thumbprint': jkt,
    });
    expect(await badges(tokenRow(plain.id))).toEqual(['Valid']);
    expect(await facts(tokenRow(plain.id).locator('dl'))).toEqual({
      Policy: 'legacy: never expires',
      Expires: 'never',
      'Idle expiry': 'never',
      'Last exchanged': 'never',
    });
    expect(await axeViolations(page)).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('each recorded use of a non-rotating, idle-expiring token is in its history and renews its idle expiry', async () => {
    // A use is recorded at most once per idle lifetime / 10: 1 s here.
    const app = await createClient(svc, {
      name: 'Acme TV',
      app_type: 'native',
      refresh_token: { rotation_type: 'non-rotating', expiration_type: 'expiring', token_lifetime: 30 * DAY, idle_token_lifetime: 10 },
    });
    const userId = uniqueId('auth0|idle');
    const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'TV' });
    expect((await refreshGrant(svc, app.client_id, issued.refresh_token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await refreshGrant(svc, app.client_id, issued.refresh_token)).status).toBe(200);
    const view = await tokenView(issued.id);

    await signIn();
    await findUser(userId);
    expect(await facts(tokenRow(issued.id).locator('dl'))).toEqual({
      Policy: 'non-rotating, expires',
      Expires: view.expires_at,
      'Idle expiry': view.idle_expires_at,
      'Last exchanged': view.last_exchanged_at,
    });
    const timeline = await openHistory(issued.id);
    const items = timeline.getByRole('listitem');
    await eventually(async () => expect(await items.count()).toBe(3));
    expect((await items.locator('strong').allInnerTexts()).map((t) => t.trim())).toEqual(['Issued', 'Used', 'Used']);
    expect(await items.nth(2).locator('.why time').getAttribute('datetime')).toBe(view.idle_expires_at);
  });

  it(`a token evicted by the ${MAX_TOKENS_PER_USER_AND_CLIENT + 1}st issuance says why, in its row and its history`, async () => {
    const app = await createClient(svc, { name: 'Acme Kiosk', app_type: 'native' });
    const userId = uniqueId('auth0|capped');
    const oldest = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Old tablet' });
    const deviceId = uniqueId('kiosk');
    const rest: IssuedRefreshToken[] = [];
    for (let i = 0; i < MAX_TOKENS_PER_USER_AND_CLIENT; i += 20) {
      const batch = Array.from({ length: 20 }, () => issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Kiosk', device_id: deviceId }));
      rest.push(...(await Promise.all(batch)));
    }
    expect((await history(svc, oldest.id)).events.at(-1)).toMatchObject({ type: 'RefreshTokenRevoked', reason: 'evicted' });

    await signIn();
    await findUser(userId);
    const words = `evicted: over ${MAX_TOKENS_PER_USER_AND_CLIENT} tokens for this user and application`;
    expect(await tokenRow(oldest.id).innerText()).toContain(`by system · reason: ${words}`);
    expect(await badges(tokenRow(oldest.id))).toEqual(['Revoked']);
    const timeline = await openHistory(oldest.id);
    await eventually(async () => expect(await timeline.getByRole('listitem').count()).toBe(2));
    expect(await timeline.getByRole('listitem').nth(1).innerText()).toContain(`E${words.slice(1)} (evicted)`);
    expect(rest).toHaveLength(MAX_TOKENS_PER_USER_AND_CLIENT);
  });

  /** The second `dl` of an application's row: its refresh-token policy. */
  const applicationRow = (client: CreatedClient): Locator =>
    page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: client.name, exact: true }) });

  async function showApplications(): Promise<void> {
    await page.getByRole('button', { name: 'Applications', exact: true }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
  }

  it("the applications view shows each client's policy: rotation, expiry, lifetimes, leeway, proof of possession", async () => {
    const tag = uniqueId('t').replace(/[^A-Za-z0-9]/g, '');
    const spa = await createClient(svc, {
      name: `Rotating ${tag}`,
      app_type: 'native',
      refresh_token: { ...ROTATING, leeway: 30, infinite_idle_token_lifetime: true },
      require_proof_of_possession: true,
    });
    const legacy = await createClient(svc, { name: `Legacy ${tag}`, app_type: 'native' });

    await signIn();
    await showApplications();
    const application = (client: CreatedClient) => applicationRow(client).locator('dl').nth(1);
    expect(await facts(application(spa))).toEqual({
      'Refresh tokens': 'rotating, expires',
      Rotation: 'rotating: each exchange answers a new token',
      'Reuse leeway': '30 seconds',
      'Absolute lifetime': '30 days',
      'Idle lifetime': 'infinite',
      'Proof of possession': 'required: DPoP-bound tokens only',
    });
    expect(await facts(application(legacy))).toEqual({
      'Refresh tokens': 'legacy: never expires',
      Rotation: 'non-rotating',
      'Reuse leeway': 'not used (non-rotating)',
      'Absolute lifetime': 'never (non-expiring)',
      'Idle lifetime': 'never (non-expiring)',
      'Proof of possession': 'not required',
    });
    expect(await axeViolations(page)).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('edits a policy through the form: the view, GET and the next exchange follow it (the token rotates from then on)', async () => {
    const app = await createClient(svc, { name: `Acme Watch ${uniqueId('w')}`, app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    await signIn();
    await showApplications();
    const row = applicationRow(app);
    await row.getByRole('button', { name: `Edit policy of ${app.name}`, exact: true }).click();
    const form = page.getByRole('form', { name: `Refresh-token policy of ${app.name}` });
    await eventually(async () => expect(await form.getByLabel('Rotation').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true));
    expect(await axeViolations(page)).toEqual([]);
    await form.getByLabel('Rotation').selectOption('rotating');
    await form.getByLabel('Expiration').selectOption('expiring');
    await form.getByLabel('Reuse leeway (seconds)').fill('5');
    await form.getByLabel('Absolute lifetime (seconds)').fill(String(7 * DAY));
    await form.getByLabel('No absolute lifetime').uncheck();
    await form.getByLabel('Idle lifetime (seconds)').fill('3600');
    await form.getByLabel('No idle lifetime').uncheck();
    await form.getByLabel('Require proof of possession (DPoP-bound tokens only)').check();
    await form.getByRole('button', { name: 'Save policy', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe(`The refresh-token policy of ${app.name} is saved.`));

    const expected = { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 5, token_lifetime: 7 * DAY, infinite_token_lifetime: false, idle_token_lifetime: 3600, infinite_idle_token_lifetime: false };
    const stored = await svc.http.get<{ refresh_token: unknown; require_proof_of_possession: boolean }>(`/api/v2/clients/${app.client_id}`, { token: await svc.managementToken() });
    expect(stored.body).toMatchObject({ refresh_token: expected, require_proof_of_possession: true });
    expect(await facts(applicationRow(app).locator('dl').nth(1))).toEqual({
      'Refresh tokens': 'rotating, expires',
      Rotation: 'rotating: each exchange answers a new token',
      'Reuse leeway': '5 seconds',
      'Absolute lifetime': '7 days',
      'Idle lifetime': '1 hour',
      'Proof of possession': 'required: DPoP-bound tokens only',
    });
    // The token issued under the legacy policy rotates at its next exchange.
    const exchanged = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.refresh_token).toEqual(expect.stringMatching(/^rt_/));
    expect(exchanged.body.refresh_token).not.toBe(issued.refresh_token);
  });

  it('a policy the service refuses is said in words and changes nothing; a field that is not a number is not sent', async () => {
    const app = await createClient(svc, { name: `Acme Car ${uniqueId('c')}`, app_type: 'native', refresh_token: ROTATING });
    const before = (await svc.http.get<{ refresh_token: unknown }>(`/api/v2/clients/${app.client_id}`, { token: await svc.managementToken() })).body;
    await signIn();
    await showApplications();
    const patches: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patches.push(request.url());
    });
    await applicationRow(app).getByRole('button', { name: `Edit policy of ${app.name}`, exact: true }).click();
    const form = page.getByRole('form', { name: `Refresh-token policy of ${app.name}` });

    await form.getByLabel('Reuse leeway (seconds)').fill('five');
    await form.getByRole('button', { name: 'Save policy', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('alert').innerText()).trim()).toBe('Enter the reuse leeway as a whole number of seconds.'));
    expect(await form.getByLabel('Reuse leeway (seconds)').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(patches).toEqual([]);

    // Idle longer than absolute: refused by the service (400), which names the field.
    await form.getByLabel('Reuse leeway (seconds)').fill('0');
    await form.getByLabel('Absolute lifetime (seconds)').fill('3600');
    await form.getByLabel('Idle lifetime (seconds)').fill('7200');
    await form.getByRole('button', { name: 'Save policy', exact: true }).click();
    await eventually(async () => expect(await page.getByRole('alert').innerText()).toMatch(/^The request was refused \(HTTP 400\): .*idle_token_lifetime.*\.$/));
    expect(patches).toHaveLength(1);
    await form.waitFor({ state: 'visible' });
    const after = (await svc.http.get<{ refresh_token: unknown }>(`/api/v2/clients/${app.client_id}`, { token: await svc.managementToken() })).body;
    expect(after.refresh_token).toEqual(before.refresh_token);

    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    const edit = applicationRow(app).getByRole('button', { name: `Edit policy of ${app.name}`, exact: true });
    expect(await edit.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });

  it('a management client without update:clients is told so, and the policy stays', async () => {
    const app = await createClient(svc, { name: `Acme Fridge ${uniqueId('f')}`, app_type: 'native' });
    const reader = await managementClientWithScopes(svc, ['read:clients']);
    await signIn(reader.client.client_id, reader.client.client_secret!);
    await showApplications();
    await applicationRow(app).getByRole('button', { name: `Edit policy of ${app.name}`, exact: true }).click();
    const form = page.getByRole('form', { name: `Refresh-token policy of ${app.name}` });
    await form.getByLabel('Rotation').selectOption('rotating');
    await form.getByRole('button', { name: 'Save policy', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('alert').innerText()).trim()).toMatch(/^This client is not allowed to do that: .*update:clients.*\.$/));
    const stored = await svc.http.get<{ refresh_token: { rotation_type: string } }>(`/api/v2/clients/${app.client_id}`, { token: await svc.managementToken() });
    expect(stored.body.refresh_token.rotation_type).toBe('non-rotating');
  });
});
