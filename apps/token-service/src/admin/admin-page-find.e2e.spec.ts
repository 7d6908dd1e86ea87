/**
 * The administration page finds a user by the start of the id, remembers the
 * users looked up in this session, names applications instead of client ids,
 * opens a token's history beside the token, and has its own favicon: in
 * chromium against a started token-service (SQLite), under the page's CSP.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createClient, delegate, history, issueRefreshToken, type CreatedClient } from '../../../../test/support/fixtures';
import { eventually, launchBrowser } from '../../../../test/support/browser';
import { axeViolations, buildAdminPage, freshPage } from './testing/admin-page.browser';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../test/support/token-service';

jest.setTimeout(60_000);

describe('administration page (/admin) finds a user, in chromium', () => {
  let svc: TokenServiceUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: CreatedClient;
  let violations: string[];

  beforeAll(async () => {
    buildAdminPage();
    [svc, browser] = await Promise.all([startTokenService({ adapter: 'sqlite' }), launchBrowser()]);
    app = await createClient(svc, { name: 'Acme Mobile', app_type: 'native' });
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

  async function signIn(): Promise<void> {
    await page.goto(`${svc.baseUrl}admin`);
    await page.getByLabel('Client ID').fill(svc.managementClientId);
    await page.getByLabel('Client secret').fill(svc.managementClientSecret);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('User ID').waitFor();
  }

  async function search(query: string): Promise<void> {
    await page.getByLabel('User ID').fill(query);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  /** A tag unique to the test, so users of other tests never match. */
  const tag = () => uniqueId('t').replace(/[^A-Za-z0-9]/g, '');

  it('typing the start of the part after the connection finds "auth0|…alice" and shows its devices', async () => {
    const t = tag();
    const userId = `auth0|${t}alice`;
    await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Pixel 8' });
    await signIn();
    await search(`${t}ali`);
    await page.getByRole('heading', { name: `Devices of ${userId}` }).waitFor();
    await page.getByRole('heading', { name: 'Pixel 8', exact: true }).waitFor();
    expect(violations).toEqual([]);
  });

  it('lists several matches to pick from, with their valid tokens; % matches nothing', async () => {
    const t = tag();
    const alice = `auth0|${t}alice`;
    const alicia = `google-oauth2|${t}alicia`;
    await issueRefreshToken(svc, { client_id: app.client_id, user_id: alice, device_name: 'Pixel 8' });
    await issueRefreshToken(svc, { client_id: app.client_id, user_id: alice, device_name: 'iPad Pro' });
    await issueRefreshToken(svc, { client_id: app.client_id, user_id: alicia, device_name: 'Laptop' });
    await signIn();
    await search(`${t}ali`);
    const matches = page.getByRole('region', { name: `Users matching “${t}ali”` });
    await eventually(async () => expect(await matches.getByRole('heading').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true));
    const items = matches.getByRole('listitem');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).innerText()).toContain('2 valid tokens');
    expect(await items.nth(1).innerText()).toContain('1 valid token');
    await matches.getByRole('button', { name: alicia, exact: true }).click();
    await page.getByRole('heading', { name: `Devices of ${alicia}` }).waitFor();
    await page.getByRole('heading', { name: 'Laptop', exact: true }).waitFor();

    await search(`${t}%`);
    await page.getByRole('heading', { name: `Devices of ${t}%` }).waitFor();
    await page.getByText('This user has no refresh token.').waitFor();
  });

  it('keeps the users looked up as "Recent users" for the session, in memory only', async () => {
    const t = tag();
    const [first, second] = [`auth0|${t}first`, `auth0|${t}second`];
    for (const userId of [first, second]) await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: `Phone of ${userId}` });
    await signIn();
    expect(await page.getByRole('navigation', { name: 'Recent users' }).count()).toBe(0);
    await search(first);
    await page.getByRole('heading', { name: `Devices of ${first}` }).waitFor();
    await search(second);
    await page.getByRole('heading', { name: `Devices of ${second}` }).waitFor();
    const recent = page.getByRole('navigation', { name: 'Recent users' });
    expect((await recent.getByRole('button').allInnerTexts()).map((s) => s.trim())).toEqual([second, first]);
    await recent.getByRole('button', { name: first, exact: true }).click();
    await page.getByRole('heading', { name: `Devices of ${first}` }).waitFor();

    const storage = await page.evaluate(`({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })`);
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await signIn();
    expect(await page.getByRole('navigation', { name: 'Recent users' }).count()).toBe(0);
  });

  it("names the revoking application, and opens a token's history inside that token's row", async () => {
    const userId = uniqueId('auth0|hist');
    const token = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Pixel 8' });
    const other = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'iPad Pro' });
    expect((await svc.http.delete(`/api/v2/refresh-tokens/${token.id}`, { token: await svc.managementToken() })).status).toBe(204);
    await signIn();
    await search(userId);
    await page.getByRole('heading', { name: `Devices of ${userId}` }).waitFor();
    const tokenRow = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: `History of token ${token.id}` }) }).last();
    expect(await tokenRow.innerText()).toContain(`by Management API (bootstrap) (${svc.managementClientId})`);

    await tokenRow.getByRole('button', { name: `History of token ${token.id}` }).click();
    const timeline = tokenRow.getByRole('region', { name: `History of token ${token.id}` });
    await timeline.waitFor();
    expect(await timeline.getByRole('listitem').nth(1).innerText()).toContain(`by Management API (bootstrap) (${svc.managementClientId})`);
    // Beside its token: the region is inside the token's own list item (found through tokenRow), not at the page's end.
    // One history open at a time.
    await page.getByRole('button', { name: `History of token ${other.id}` }).click();
    await page.getByRole('region', { name: `History of token ${other.id}` }).waitFor();
    await eventually(async () => expect(await timeline.count()).toBe(0));
  });

  it("lists the applications with their policy and valid tokens, and revokes all of one application's after a confirmation", async () => {
    const name = `Tokens Co ${tag()}`;
    const target = await createClient(svc, { name, app_type: 'native' });
    const first = await issueRefreshToken(svc, { client_id: target.client_id, user_id: uniqueId('auth0|u') });
    const second = await issueRefreshToken(svc, { client_id: target.client_id, user_id: uniqueId('auth0|u') });
    const bystander = await issueRefreshToken(svc, { client_id: app.client_id, user_id: uniqueId('auth0|u') });
    await signIn();
    await page.getByRole('button', { name: 'Applications', exact: true }).click();
    const apps = page.getByRole('region', { name: 'Applications' });
    await eventually(async () => expect(await apps.getByRole('heading', { name: 'Applications' }).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true));
    const row = apps.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
    const fact = async (term: string) => (await row.locator('div', { has: page.locator('dt', { hasText: term }) }).locator('dd').innerText()).trim();
    expect([await fact('Client ID'), await fact('Type'), await fact('Token endpoint authentication'), await fact('Valid tokens')]).toEqual([target.client_id, 'native', 'none', '2']);

    await row.getByRole('button', { name: `Revoke all tokens of ${name}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke all tokens of ${name}?` });
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.innerText()).toContain('2 valid tokens');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await delegate(svc, target.client_id, first.refresh_token)).status).toBe(200);

    await row.getByRole('button', { name: `Revoke all tokens of ${name}`, exact: true }).click();
    await dialog.getByLabel('Reason (optional)').fill('app retired');
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe(`All of ${name}'s tokens revoked.`));
    await eventually(async () => expect(await fact('Valid tokens')).toBe('0'));
    expect(await row.getByRole('button', { name: `Revoke all tokens of ${name}`, exact: true }).count()).toBe(0);

    for (const token of [first, second]) {
      const refused = await delegate(svc, target.client_id, token.refresh_token);
      expect([refused.status, refused.body.error]).toEqual([400, 'invalid_grant']);
    }
    expect((await delegate(svc, app.client_id, bystander.refresh_token)).status).toBe(200);
    expect((await history(svc, first.id)).events.at(-1)).toMatchObject({ type: 'RefreshTokenRevoked', actor: svc.managementClientId, reason: 'app retired' });
  });

  it('meets WCAG 2.1 AA as axe-core checks it: the matches, the recent users, a history beside its token, the applications', async () => {
    const t = tag();
    const token = await issueRefreshToken(svc, { client_id: app.client_id, user_id: `auth0|${t}alice` });
    await issueRefreshToken(svc, { client_id: app.client_id, user_id: `auth0|${t}alicia` });
    const audit = () => axeViolations(page);
    await signIn();
    await search(`${t}ali`);
    await page.getByRole('region', { name: `Users matching “${t}ali”` }).waitFor();
    expect(await audit()).toEqual([]);
    await page.getByRole('button', { name: `auth0|${t}alice`, exact: true }).click();
    await page.getByRole('button', { name: `History of token ${token.id}` }).click();
    await page.getByRole('region', { name: `History of token ${token.id}` }).waitFor();
    expect(await audit()).toEqual([]);
    await page.getByRole('button', { name: 'Applications', exact: true }).click();
    await page.getByRole('region', { name: 'Applications' }).waitFor();
    expect(await audit()).toEqual([]);
  });

  it('has its own favicon: an SVG from this origin, loaded under the CSP', async () => {
    const response = await page.goto(`${svc.baseUrl}admin`);
    expect(response!.status()).toBe(200);
    const href = await page.locator('link[rel=icon]').getAttribute('href');
    expect(href).toMatch(/^\/admin\/assets\/favicon-[0-9a-f]{8}\.svg$/);
    const icon = await svc.http.get(href!);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.text).toContain('<svg');
    // The browser can load it as an image under img-src 'self'.
    expect(await page.evaluate(`new Promise((ok) => { const i = new Image(); i.onload = () => ok(i.naturalWidth > 0); i.onerror = () => ok(false); i.src = ${JSON.stringify(href)}; })`)).toBe(true);
    expect(violations).toEqual([]);
  });
});
