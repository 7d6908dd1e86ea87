/**
 * The administration page in a real browser (Debian's chromium through
 * playwright-core) against a started token-service. One browser for the
 * suite, a fresh context (no shared memory, storage or cookies) per test.
 * SQLite only: the page is the subject here, the API on both adapters has its own suites.
 *
 * ADMIN_PAGE_SCREENSHOTS=docs/images also writes the README's screenshots.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createClient, delegate, history, issueRefreshToken, type CreatedClient, type IssuedRefreshToken } from '../../../../test/support/fixtures';
import { eventually, launchBrowser } from '../../../../test/support/browser';
import { axeViolations, buildAdminPage, freshPage, ROOT } from './testing/admin-page.browser';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../test/support/token-service';

jest.setTimeout(60_000);
const SCREENSHOTS = process.env.ADMIN_PAGE_SCREENSHOTS;
/** The search (GET /api/v2/users?q=) and the user's tokens (GET /api/v2/users/{id}/refresh-tokens). */
const USER_CALLS = /\/api\/v2\/users([/?]|$)/;

describe('administration page (/admin) in chromium', () => {
  let svc: TokenServiceUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: CreatedClient;
  let adminUrl: string;

  beforeAll(async () => {
    buildAdminPage();
    [svc, browser] = await Promise.all([startTokenService({ adapter: 'sqlite' }), launchBrowser()]);
    adminUrl = `${svc.baseUrl}admin`;
    app = await createClient(svc, { name: 'Acme Mobile', app_type: 'native' });
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });
  beforeEach(async () => {
    ({ context, page } = await freshPage(browser));
  });
  afterEach(async () => {
    await context?.close();
  });

  /** A user with two devices of the same application, one token each. */
  async function userWithTwoDevices(): Promise<{ userId: string; pixel: IssuedRefreshToken; ipad: IssuedRefreshToken }> {
    const userId = uniqueId('alice');
    const pixel = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'Pixel 8', device_id: uniqueId('pixel') });
    const ipad = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: 'iPad Pro', device_id: uniqueId('ipad') });
    return { userId, pixel, ipad };
  }

  async function signIn(p: Page = page): Promise<void> {
    await p.goto(adminUrl);
    await p.getByLabel('Client ID').fill(svc.managementClientId);
    await p.getByLabel('Client secret').fill(svc.managementClientSecret);
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.getByLabel('User ID').waitFor();
  }

  async function findUser(userId: string, p: Page = page): Promise<void> {
    await p.getByLabel('User ID').fill(userId);
    await p.getByRole('button', { name: 'Search', exact: true }).click();
    await p.getByRole('heading', { name: `Devices of ${userId}` }).waitFor();
  }

  const device = (name: string, p: Page = page) => p.getByRole('listitem').filter({ has: p.getByRole('heading', { name, exact: true }) });

  const focusedId = () => page.evaluate<string | undefined>(`document.activeElement?.id`);

  /** Presses Tab until the focused element has this accessible name (keyboard only, bounded). */
  async function tabTo(name: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<string>(`(document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '').trim()`);
      if (focused === name) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  }

  it('serves /admin with a strict CSP and the security headers; the HTML is never cached, the hashed assets are', async () => {
    const response = await page.goto(adminUrl);
    const headers = response!.headers();
    expect(response!.status()).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(headers).toMatchObject({
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    expect(headers['permissions-policy']).toContain('camera=()');

    const assets = await page.evaluate<string[]>(`[...document.querySelectorAll('script[src]')].map((s) => s.src)
      .concat([...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href))`);
    expect(assets).toHaveLength(2);
    expect(await page.evaluate(`document.querySelectorAll('script:not([src]), style, [style]').length`)).toBe(0);
    for (const url of assets) {
      expect(new URL(url).origin).toBe(new URL(svc.baseUrl).origin);
      const asset = await svc.http.get(new URL(url).pathname);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(url.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const missing = await svc.http.get('/admin/assets/..%2F..%2Fpackage.json');
    expect(missing.status).toBe(404);
  });

  it('signs in with the keyboard only, finds a user and revokes a device; nothing lands in storage or cookies', async () => {
    const { userId, pixel } = await userWithTwoDevices();
    await page.goto(adminUrl);
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('client-id');
    await page.keyboard.type(svc.managementClientId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(svc.managementClientSecret);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe('Signed in.'));
    expect(await focusedId()).toBe('user-id');
    await page.keyboard.type(userId);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Devices of ${userId}` }).waitFor();

    await tabTo('Revoke Pixel 8');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await eventually(async () => expect((await dialog.getByRole('heading').innerText()).trim()).toBe('Revoke Pixel 8?'));
    expect(await focusedId()).toBe('confirm-reason');
    await page.keyboard.type('lost phone');
    await page.keyboard.press('Enter');
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe('Pixel 8 revoked.'));
    // The device and its one token are marked revoked.
    await eventually(async () => expect(await device('Pixel 8').getByText('Revoked', { exact: true }).count()).toBe(2));

    const events = (await history(svc, pixel.id)).events;
    expect(events.at(-1)).toMatchObject({ type: 'RefreshTokenRevoked', actor: svc.managementClientId, reason: 'lost phone' });

    const storage = await page.evaluate(`({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })`);
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
    expect(await context.cookies()).toEqual([]);
    expect(page.url()).toBe(adminUrl);
    expect(await page.evaluate(`indexedDB.databases()`)).toEqual([]);
  });

  it('shows a wrong client secret as an error in words and stays signed out', async () => {
    await page.goto(adminUrl);
    await page.getByLabel('Client ID').fill(svc.managementClientId);
    await page.getByLabel('Client secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('alert').innerText()).trim()).toBe('Sign-in failed: the client ID or the client secret is wrong.'));
    await page.getByLabel('User ID').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ state: 'visible' });
  });

  it("finds a user and shows each device with its application's name and id, device name, creation time and tokens", async () => {
    const { userId, pixel, ipad } = await userWithTwoDevices();
    await signIn();
    await findUser(userId);
    await eventually(async () => expect((await page.getByRole('heading', { level: 4 }).allInnerTexts()).map((t) => t.trim())).toEqual(['Pixel 8', 'iPad Pro']));
    for (const [name, token] of [['Pixel 8', pixel], ['iPad Pro', ipad]] as const) {
      const row = device(name);
      expect(await row.innerText()).toContain(`Acme Mobile ${app.client_id}`);
      expect(await row.innerText()).toContain(token.device_id!);
      expect(await row.locator('time').first().getAttribute('datetime')).toBe(token.created_at);
      await row.getByRole('button', { name: `Revoke ${name}`, exact: true }).waitFor({ state: 'visible' });
      await row.getByRole('button', { name: `History of token ${token.id}` }).waitFor({ state: 'visible' });
      await row.getByText('Valid', { exact: true }).waitFor({ state: 'visible' });
    }
    await page.getByRole('button', { name: 'Revoke all', exact: true }).waitFor({ state: 'visible' });

  });

  it('revokes one device after a confirmation naming it: marked revoked, /delegation refuses its token, the other device still works', async () => {
    const { userId, pixel, ipad } = await userWithTwoDevices();
    await signIn();
    await findUser(userId);
    await device('Pixel 8').getByRole('button', { name: 'Revoke Pixel 8', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke Pixel 8?' });
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.innerText()).toContain('Pixel 8');
    expect(await dialog.innerText()).toContain('Acme Mobile');

    // Cancel revokes nothing.
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await delegate(svc, app.client_id, pixel.refresh_token)).status).toBe(200);

    await device('Pixel 8').getByRole('button', { name: 'Revoke Pixel 8', exact: true }).click();
    await dialog.getByLabel('Reason (optional)').fill('stolen');
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const revokedRow = device('Pixel 8');
    await revokedRow.getByText(/^Revoked .* UTC by .* · reason: stolen$/).waitFor({ state: 'visible' });
    await eventually(async () => expect(await revokedRow.getByRole('button', { name: 'Revoke Pixel 8', exact: true }).count()).toBe(0));
    await device('iPad Pro').getByText('Valid', { exact: true }).waitFor({ state: 'visible' });

    const refused = await delegate(svc, app.client_id, pixel.refresh_token);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect((await delegate(svc, app.client_id, ipad.refresh_token)).status).toBe(200);
  });

  it("shows a token's history as a timeline: issued and revoked, when, by whom, why", async () => {
    const { userId, pixel } = await userWithTwoDevices();
    await signIn();
    await findUser(userId);
    await device('Pixel 8').getByRole('button', { name: 'Revoke Pixel 8', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Reason (optional)').fill('left the company');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe('Pixel 8 revoked.'));

    await device('Pixel 8').getByRole('button', { name: `History of token ${pixel.id}` }).click();
    const timeline = page.getByRole('region', { name: `History of token ${pixel.id}` });
    await eventually(async () => expect(await timeline.getByRole('heading').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true));
    const events = (await history(svc, pixel.id)).events;
    const items = timeline.getByRole('listitem');
    await eventually(async () => expect(await items.count()).toBe(2));
    expect(await items.nth(0).innerText()).toContain('Issued');
    expect(await items.nth(0).locator('time').getAttribute('datetime')).toBe(events[0]!.time);
    // Actors are clients: shown by their application's name, their id beside it.
    expect(await items.nth(0).innerText()).toMatch(new RegExp(`by .+ \\(${events[0]!.actor}\\)`));
    expect(await items.nth(1).innerText()).toContain('Revoked');
    expect(await items.nth(1).locator('time').getAttribute('datetime')).toBe(events[1]!.time);
    expect(await items.nth(1).innerText()).toMatch(new RegExp(`by .+ \\(${svc.managementClientId}\\)`));
    expect(await items.nth(1).innerText()).toContain('reason: left the company');
    if (SCREENSHOTS) {
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(ROOT, SCREENSHOTS, 'admin-page-desktop.png'), fullPage: true });
    }

    await timeline.getByRole('button', { name: 'Close history' }).click();
    await timeline.waitFor({ state: 'hidden' });
  });

  it('shows a token revoked before sign-in as revoked, with its history (the listing includes revoked tokens)', async () => {
    const { userId, pixel } = await userWithTwoDevices();
    const token = await svc.managementToken();
    expect((await svc.http.delete(`/api/v2/refresh-tokens/${pixel.id}?reason=revoked-earlier`, { token })).status).toBe(204);

    await signIn();
    await findUser(userId);
    const row = device('Pixel 8');
    await row.getByText(/^Revoked .* UTC by .* · reason: revoked-earlier$/).waitFor({ state: 'visible' });
    expect(await row.getByRole('button', { name: 'Revoke Pixel 8', exact: true }).count()).toBe(0);
    await device('iPad Pro').getByRole('button', { name: 'Revoke iPad Pro', exact: true }).waitFor({ state: 'visible' });

    await row.getByRole('button', { name: `History of token ${pixel.id}` }).click();
    const items = page.getByRole('region', { name: `History of token ${pixel.id}` }).getByRole('listitem');
    await eventually(async () => expect(await items.count()).toBe(2));
    expect(await items.nth(1).innerText()).toContain('Revoked');
    expect(await items.nth(1).innerText()).toContain('reason: revoked-earlier');
  });

  it('"Revoke all" revokes every device of the user, with the default reason when none is given', async () => {
    const { userId, pixel, ipad } = await userWithTwoDevices();
    const other = await issueRefreshToken(svc, { client_id: app.client_id, user_id: uniqueId('bob') });
    await signIn();
    await findUser(userId);
    await page.getByRole('button', { name: 'Revoke all', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke all devices of ${userId}?` });
    expect(await dialog.innerText()).toContain('2 valid tokens');
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe(`All of ${userId}'s tokens revoked.`));
    for (const name of ['Pixel 8', 'iPad Pro']) {
      await device(name).getByText(/^Revoked .* UTC by .* · reason: user_bulk_revoke$/).waitFor({ state: 'visible' });
    }
    await eventually(async () => expect(await page.getByRole('button', { name: 'Revoke all', exact: true }).count()).toBe(0));

    for (const token of [pixel, ipad]) expect((await delegate(svc, app.client_id, token.refresh_token)).status).toBe(400);
    expect((await delegate(svc, app.client_id, other.refresh_token)).status).toBe(200);
    expect((await history(svc, ipad.id)).events.at(-1)).toMatchObject({ type: 'RefreshTokenRevoked', reason: 'user_bulk_revoke' });
  });

  it('shows that a slow call is working, then the answer', async () => {
    const { userId } = await userWithTwoDevices();
    await signIn();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(USER_CALLS, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('User ID').fill(userId);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe(`Looking up ${userId}…`));
    expect(await page.locator('main').getAttribute('aria-busy')).toBe('true');
    release();
    await page.getByRole('heading', { name: `Devices of ${userId}` }).waitFor();
    await eventually(async () => expect(await page.locator('main').getAttribute('aria-busy')).not.toBe('true'));
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe(`${userId}: 2 devices, 2 valid tokens.`));
  });

  it('shows nothing of a call that answers after "Sign out"', async () => {
    const { userId } = await userWithTwoDevices();
    await signIn();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const answered = page.waitForResponse(USER_CALLS);
    await page.route(USER_CALLS, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('User ID').fill(userId);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe(`Looking up ${userId}…`));
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    release();
    await answered;
    await page.getByLabel('Client ID').waitFor({ state: 'visible' });
    // Let the page finish handling the late answer (client names are read after it).
    await page.waitForLoadState('networkidle');
    expect(await page.getByText('Pixel 8').count()).toBe(0);
    expect(await page.getByRole('heading', { name: `Devices of ${userId}` }).count()).toBe(0);
    expect(await page.getByRole('alert').isHidden()).toBe(true);
    expect((await page.getByRole('status').innerText()).trim()).toBe('Signed out.');
  });

  it('signs out on "Sign out" and by itself when the management token expires, forgetting what it showed', async () => {
    const { userId } = await userWithTwoDevices();
    await signIn();
    await findUser(userId);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await eventually(async () => expect((await page.getByRole('status').innerText()).trim()).toBe('Signed out.'));
    await eventually(async () => expect(await page.getByLabel('Client ID').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true));
    await eventually(async () => expect(await page.getByText('Pixel 8').count()).toBe(0));

    await page.clock.install();
    const tokenResponse = page.waitForResponse('**/oauth/token');
    await signIn();
    const { expires_in } = (await (await tokenResponse).json()) as { expires_in: number };
    await findUser(userId);
    await page.clock.fastForward(expires_in * 1000 + 1000);
    await eventually(async () => expect((await page.getByRole('alert').innerText()).trim()).toBe('Your session has expired. Sign in again.'));
    await page.getByLabel('User ID').waitFor({ state: 'hidden' });
    await eventually(async () => expect(await page.getByText('Pixel 8').count()).toBe(0));
  });

  it('is usable on a phone: no sideways scrolling, the devices and their buttons fit the screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      const p = await phone.newPage();
      const { userId } = await userWithTwoDevices();
      await signIn(p);
      await findUser(userId, p);
      expect(await p.evaluate<number>(`document.documentElement.scrollWidth`)).toBeLessThanOrEqual(390);
      for (const name of ['Revoke Pixel 8', 'Revoke iPad Pro', 'Revoke all']) {
        const box = await p.getByRole('button', { name, exact: true }).boundingBox();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(390);
        expect(box!.height).toBeGreaterThanOrEqual(24);
      }
      if (SCREENSHOTS) await p.screenshot({ path: join(ROOT, SCREENSHOTS, 'admin-page-phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('meets WCAG 2.1 AA as axe-core checks it: signed out, with devices listed, and with the dialog open', async () => {
    const { userId } = await userWithTwoDevices();
    const audit = () => axeViolations(page);
    await page.goto(adminUrl);
    expect(await audit()).toEqual([]);
    await signIn();
    await findUser(userId);
    expect(await audit()).toEqual([]);
    await device('Pixel 8').getByRole('button', { name: 'Revoke Pixel 8', exact: true }).click();
    expect(await audit()).toEqual([]);
  });
});
