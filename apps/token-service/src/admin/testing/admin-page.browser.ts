/** What both administration-page browser suites share: the built page, a fresh context per test, axe-core's audit. */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '../../../../..');

/** Builds apps/admin-page into dist/admin-page, as `npm run build` does. */
export function buildAdminPage(): void {
  execFileSync(process.execPath, [join(ROOT, 'apps/admin-page/build.mjs')], { stdio: 'ignore' });
}

/** A fresh context (no shared memory, storage or cookies) on a desktop viewport, and its page. */
export async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  return { context, page: await context.newPage() };
}

/** axe-core's WCAG 2.1 A/AA violations on the page as it is (injected through the DevTools protocol, not the page's CSP). */
export async function axeViolations(page: Page): Promise<string[]> {
  const { source } = (await import('axe-core')) as unknown as { source: string };
  await page.evaluate(source);
  return page.evaluate<string[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
}
