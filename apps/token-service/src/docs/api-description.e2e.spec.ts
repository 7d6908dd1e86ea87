/**
 * Issue 9 item 6, through HTTP against a started service (SQLite): the
 * OpenAPI document is valid and describes every operation's errors; real
 * answers validate against the served document (ajv); every listing pages
 * the same way; a reason given on a DELETE is in the audit; /docs renders the
 * endpoints in chromium under the admin page's CSP.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { Browser } from 'playwright-core';
import { clientHistory } from '@app/audit';
import type { EventStore } from '@app/event-store';
import { createClient, delegate, history, issueRefreshToken, managementClientWithScopes } from '../../../../test/support/fixtures';
import { launchBrowser } from '../../../../test/support/browser';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../test/support/token-service';
import { CONTENT_SECURITY_POLICY } from '../admin/security-headers';
import { EVENT_STORE } from '../infrastructure/tokens';

jest.setTimeout(60_000);

/** `METHOD /path` of every controller route, path parameters as OpenAPI writes them (`:id` → `{id}`). */
function controllerRoutes(modules: ModulesContainer): string[] {
  const routes: string[] = [];
  for (const module of modules.values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const prototype = (metatype as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const path = ['', base, String(Reflect.getMetadata(PATH_METADATA, handler))].join('/').replace(/\/+/g, '/').replace(/\/$/, '');
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        routes.push(`${method} ${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
      }
    }
  }
  return routes;
}

type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>> };

describe('the API described (/docs)', () => {
  let svc: TokenServiceUnderTest;
  let token: string;
  const auth = () => ({ token });

  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite' });
    token = await svc.managementToken();
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('GET /docs/openapi.json', () => {
    it('is a valid OpenAPI 3.1 document', async () => {
      const r = await svc.http.get<Document>('/docs/openapi.json');
      expect(r.status).toBe(200);
      await expect(SwaggerParser.validate(structuredClone(r.body) as never)).resolves.toBeDefined();
      expect((r.body as unknown as { openapi: string }).openapi).toBe('3.1.0');
    });

    it('describes every route of every controller, and nothing else (the page and the document themselves aside)', async () => {
      const { paths } = (await svc.http.get<Document>('/docs/openapi.json')).body;
      const documented = Object.entries(paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
      const served = controllerRoutes(svc.service.get(ModulesContainer)).filter((route) => !/ \/(admin|docs)(\/|$)/.test(route));
      expect(served.length).toBeGreaterThanOrEqual(20);
      expect(documented.sort()).toEqual(served.sort());
    });

    it('gives every management operation the management error body, every OAuth one the RFC 6749 body', async () => {
      const { paths } = (await svc.http.get<Document>('/docs/openapi.json')).body;
      const errorRefs = (path: string) =>
        Object.values(paths[path]).flatMap((op) =>
          Object.entries(op.responses)
            .filter(([status]) => Number(status) >= 400)
            .map(([, response]) => response.content?.['application/json'].schema.$ref),
        );
      const management = Object.keys(paths).filter((p) => p.startsWith('/api/v2/'));
      expect(management.length).toBeGreaterThanOrEqual(11);
      for (const path of management) expect(new Set(errorRefs(path))).toEqual(new Set(['#/components/schemas/ManagementError']));
      for (const path of ['/delegation', '/oauth/token', '/oauth/revoke']) expect(new Set(errorRefs(path))).toEqual(new Set(['#/components/schemas/OAuthError']));
    });

    it('documents the query parameters and the request body of a listing and a create', async () => {
      const doc = (await svc.http.get<{ paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>> }>('/docs/openapi.json')).body;
      const names = (path: string, method: string) => (doc.paths[path][method].parameters ?? []).map((p) => `${p.in}:${p.name}`);
      expect(names('/api/v2/users/{user_id}/refresh-tokens', 'get')).toEqual(
        expect.arrayContaining(['path:user_id', 'query:page', 'query:per_page', 'query:include_totals', 'query:from', 'query:take', 'query:include_revoked']),
      );
      expect(names('/api/v2/clients/{id}', 'delete')).toEqual(expect.arrayContaining(['path:id', 'query:reason']));
      expect(doc.paths['/api/v2/clients'].post.requestBody).toMatchObject({ content: { 'application/json': { schema: { required: ['name'] } } } });
    });
  });

  describe('management examples', () => {
    it('every management operation shows an example answer and an example of its JSON body, each valid against its own schema', async () => {
      const document = (await svc.http.get('/docs/openapi.json')).body as {
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example?: unknown }> }; responses: Record<string, { content?: Record<string, { example?: unknown }> }> }>>;
      };
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      ajv.addSchema(document, 'openapi');
      const problems: string[] = [];
      let checked = 0;
      const check = (pointer: string[], where: string, example: unknown) => {
        if (example === undefined) return problems.push(`${where}: no example`);
        const validate = ajv.compile({ $ref: `openapi#/${pointer.map((k) => encodeURIComponent(k.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}/schema` });
        checked += 1;
        if (!validate(example)) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
      };
      for (const [path, methods] of Object.entries(document.paths).filter(([p]) => p.startsWith('/api/v2/'))) {
        for (const [method, op] of Object.entries(methods)) {
          const where = `${method.toUpperCase()} ${path}`;
          if (op.requestBody?.content['application/json']) check(['paths', path, method, 'requestBody', 'content', 'application/json'], `${where} request`, op.requestBody.content['application/json'].example);
          for (const [status, response] of Object.entries(op.responses).filter(([code]) => code.startsWith('2'))) {
            if (response.content?.['application/json']) check(['paths', path, method, 'responses', status, 'content', 'application/json'], `${where} ${status}`, response.content['application/json'].example);
          }
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThanOrEqual(20);
    });
  });

  describe('real answers conform to the document', () => {
    it('every kind of answer, checked against the served document itself (JSON Schema 2020-12, ajv)', async () => {
      const document = (await svc.http.get('/docs/openapi.json')).body as object;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      ajv.addSchema(document, 'openapi');
      const checked: string[] = [];
      /** The answer against the schema the document gives for this path, method and status (an empty body: none). */
      const conforms = async (method: 'get' | 'post' | 'delete', path: string, call: Promise<{ status: number; body: unknown; text: string }>) => {
        const r = await call;
        const documentPath = path.split('?')[0]!.replace(/^\/api\/v2\/users\/[^/]+/, '/api/v2/users/{user_id}').replace(/^(\/api\/v2\/(?!users)[a-z-]+)\/[^/]+/, '$1/{id}');
        const keys = ['paths', documentPath, method, 'responses', String(r.status)];
        const pointer = keys.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1'));
        const response = keys.reduce<Record<string, unknown> | undefined>((node, key) => node?.[key] as Record<string, unknown> | undefined, document as Record<string, unknown>);
        expect([method, path, r.status, response === undefined ? 'undocumented status' : 'documented']).toEqual([method, path, r.status, 'documented']);
        if (r.text !== '') {
          const validate = ajv.compile({ $ref: `openapi#/${pointer.map(encodeURIComponent).join('/')}/content/application~1json/schema` });
          expect([method, path, r.status, validate(r.body) ? 'conforms' : ajv.errorsText(validate.errors)]).toEqual([method, path, r.status, 'conforms']);
        }
        checked.push(`${method} ${documentPath} ${r.status}`);
        return r;
      };
      const h = svc.http;
      const created = (await conforms('post', '/api/v2/clients', h.post('/api/v2/clients', { ...auth(), json: { name: 'Checked', app_type: 'native' } }))).body as { client_id: string };
      await conforms('get', '/api/v2/clients', h.get('/api/v2/clients', auth()));
      await conforms('get', '/api/v2/clients', h.get('/api/v2/clients?include_totals=true&per_page=1', auth()));
      await conforms('get', `/api/v2/clients/${created.client_id}`, h.get(`/api/v2/clients/${created.client_id}`, auth()));
      await conforms('get', '/api/v2/clients/nope', h.get('/api/v2/clients/nope', auth()));
      await conforms('get', '/api/v2/clients', h.get('/api/v2/clients?per_page=0', auth()));
      await conforms('get', '/api/v2/clients', h.get('/api/v2/clients'));
      const limited = await managementClientWithScopes(svc, ['read:clients']);
      await conforms('get', '/api/v2/client-grants', h.get('/api/v2/client-grants', { token: limited.token }));
      await conforms('get', '/api/v2/client-grants', h.get('/api/v2/client-grants?include_totals=true', auth()));
      const userId = uniqueId('user');
      const issued = (
        await conforms(
          'post',
          '/api/v2/refresh-tokens',
          h.post('/api/v2/refresh-tokens', { ...auth(), json: { client_id: created.client_id, user_id: userId, device_name: 'Phone', scope: 'openid offline_access' } }),
        )
      ).body as { id: string; refresh_token: string };
      await conforms('post', '/delegation', delegate(svc, created.client_id, issued.refresh_token));
      await conforms('post', '/delegation', delegate(svc, created.client_id, 'not-a-token'));
      await conforms('post', '/oauth/token', h.post('/oauth/token', { json: { grant_type: 'refresh_token', client_id: created.client_id, refresh_token: issued.refresh_token } }));
      await conforms('get', '/api/v2/device-credentials', h.get(`/api/v2/device-credentials?user_id=${userId}&include_totals=true`, auth()));
      await conforms('delete', `/api/v2/refresh-tokens/${issued.id}`, h.delete(`/api/v2/refresh-tokens/${issued.id}?reason=checked`, auth()));
      await conforms('get', `/api/v2/refresh-tokens/${issued.id}`, h.get(`/api/v2/refresh-tokens/${issued.id}`, auth()));
      await conforms('get', `/api/v2/refresh-tokens/${issued.id}/history`, h.get(`/api/v2/refresh-tokens/${issued.id}/history`, auth()));
      await conforms('get', `/api/v2/users/${userId}/refresh-tokens`, h.get(`/api/v2/users/${userId}/refresh-tokens?include_revoked=true`, auth()));
      await conforms('get', `/api/v2/users/${userId}/refresh-tokens`, h.get(`/api/v2/users/${userId}/refresh-tokens?include_totals=true`, auth()));
      await conforms('get', '/api/v2/users', h.get(`/api/v2/users?q=${encodeURIComponent(userId)}`, auth()));
      await conforms('get', '/api/v2/users', h.get('/api/v2/users?q=a&per_page=51', auth()));
      await conforms('delete', `/api/v2/device-credentials/${issued.id}`, h.delete(`/api/v2/device-credentials/${issued.id}`, auth()));
      await conforms('post', '/oauth/revoke', h.post('/oauth/revoke', { json: { client_id: created.client_id, token: issued.refresh_token } }));
      await conforms('post', '/oauth/revoke', h.post('/oauth/revoke', { json: { client_id: created.client_id } }));
      await conforms('get', '/.well-known/openid-configuration', h.get('/.well-known/openid-configuration'));
      await conforms('get', '/.well-known/jwks.json', h.get('/.well-known/jwks.json'));
      await conforms('get', '/health/live', h.get('/health/live'));
      expect(checked.length).toBe(27);
    });
  });

  describe('listings page the same way', () => {
    it.each([
      ['/api/v2/clients', 'clients'],
      ['/api/v2/client-grants', 'client_grants'],
    ])('%s takes page, per_page and include_totals', async (path, key) => {
      // Each management client with scopes is a client and a grant.
      for (let i = 0; i < 2; i++) await managementClientWithScopes(svc, ['read:clients']);
      const all = (await svc.http.get<unknown[]>(`${path}?per_page=1000`, auth())).body;
      expect(all.length).toBeGreaterThanOrEqual(2);
      const second = await svc.http.get<unknown[]>(`${path}?page=1&per_page=1`, auth());
      expect(second.body).toEqual([all[1]]);
      const totals = await svc.http.get(`${path}?page=1&per_page=1&include_totals=true`, auth());
      expect(totals.body).toEqual({ start: 1, limit: 1, length: 1, total: all.length, [key]: [all[1]] });
      for (const query of ['per_page=1001', 'page=-1', 'include_totals=yes', 'per_page=two']) {
        const r = await svc.http.get(`${path}?${query}`, auth());
        expect([query, r.status, (r.body as { errorCode: string }).errorCode]).toEqual([query, 400, 'invalid_query_string']);
      }
    });

    it("a user's tokens: offset pages with totals, revoked ones with include_revoked, and page with from is 400", async () => {
      const app = await createClient(svc, { name: 'Paged user', app_type: 'native' });
      const userId = uniqueId('user');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_name: `d${i}` })).id);
      await svc.http.delete(`/api/v2/refresh-tokens/${ids[0]}`, auth());
      const base = `/api/v2/users/${userId}/refresh-tokens`;
      type Tokens = { tokens: { id: string; revoked_at?: string }[]; total?: number };
      expect((await svc.http.get<Tokens>(`${base}?page=0&per_page=10`, auth())).body.tokens.map((t) => t.id)).toEqual(ids.slice(1));
      const withRevoked = await svc.http.get<Tokens>(`${base}?page=0&per_page=2&include_totals=true&include_revoked=true`, auth());
      expect(withRevoked.body).toEqual({ start: 0, limit: 2, length: 2, total: 3, tokens: [expect.objectContaining({ id: ids[0], revoked_at: expect.any(String) }), expect.objectContaining({ id: ids[1] })] });
      const checkpoint = await svc.http.get<Tokens & { next?: string }>(`${base}?take=1&include_revoked=true`, auth());
      expect(checkpoint.body).toEqual({ tokens: [expect.objectContaining({ id: ids[0] })], next: ids[0] });
      const mixed = await svc.http.get(`${base}?page=0&from=${ids[0]}`, auth());
      expect([mixed.status, (mixed.body as { errorCode: string }).errorCode]).toEqual([400, 'invalid_query_string']);
    });
  });

  describe('a reason given on a DELETE is recorded', () => {
    it('on every revoking DELETE, in the token history', async () => {
      const app = await createClient(svc, { name: 'Reasons', app_type: 'native' });
      const userId = uniqueId('user');
      const issue = (deviceId?: string) => issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_id: deviceId });
      const cases: [string, string][] = [];
      const a = await issue();
      cases.push([`/api/v2/refresh-tokens/${a.id}?reason=r-token`, a.id]);
      const b = await issue();
      cases.push([`/api/v2/device-credentials/${b.id}?reason=r-device`, b.id]);
      const c = await issue('only-this');
      cases.push([`/api/v2/users/${userId}/refresh-tokens?device_id=only-this&reason=r-user`, c.id]);
      for (const [path] of cases) expect((await svc.http.delete(path, auth())).status).toBe(204);
      const d = await issue();
      expect((await svc.http.delete(`/api/v2/clients/${app.client_id}/refresh-tokens`, { ...auth(), json: { reason: 'r-client-tokens' } })).status).toBe(204);
      const reasons = async (id: string) => (await history(svc, id)).events.filter((e) => e.type === 'RefreshTokenRevoked').map((e) => e.reason);
      expect(await reasons(a.id)).toEqual(['r-token']);
      expect(await reasons(b.id)).toEqual(['r-device']);
      expect(await reasons(c.id)).toEqual(['r-user']);
      expect(await reasons(d.id)).toEqual(['r-client-tokens']);
    });

    it('on DELETE of a client and of a client grant, in the audit (event metadata)', async () => {
      const { client, grantId } = await managementClientWithScopes(svc, ['read:clients']);
      expect((await svc.http.delete(`/api/v2/client-grants/${grantId}?reason=grant-no-longer-needed`, auth())).status).toBe(204);
      expect((await svc.http.delete(`/api/v2/clients/${client.client_id}`, { ...auth(), json: { reason: 'decommissioned' } })).status).toBe(204);
      const store = svc.service.get<EventStore>(EVENT_STORE);
      const entries = await clientHistory(store, client.client_id);
      const reasonOf = (type: string) => entries.find((e) => e.type === type)?.reason;
      expect(reasonOf('ClientGrantDeleted')).toBe('grant-no-longer-needed');
      expect(reasonOf('ClientDeleted')).toBe('decommissioned');
    });
  });

  describe('GET /docs', () => {
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
    });

    it('is served under the admin page CSP and renders every endpoint in chromium, with no CSP violation', async () => {
      const r = await svc.http.get('/docs');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      browser = await launchBrowser();
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().includes('404')) violations.push(m.text());
      });
      const failed: string[] = [];
      // The browser's own /favicon.ico probe may 404; anything the page loads may not.
      page.on('response', (response) => {
        if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) failed.push(response.url());
      });
      await page.goto(`${svc.baseUrl}docs`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('refresh-token service');
      const titles = await page.getByRole('heading', { level: 3 }).allTextContents();
      for (const endpoint of ['POST /delegation', 'GET /api/v2/users/{user_id}/refresh-tokens', 'DELETE /api/v2/client-grants/{id}']) {
        expect(titles.map((t) => t.replace(/\s+/g, ' ').trim())).toContain(endpoint);
      }
      // The stylesheet applied (served from 'self'): the method badge is coloured.
      const badge = page.locator('.method.delete').first();
      await expect(badge.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor)).resolves.toBe('rgb(138, 28, 28)');
      expect(violations).toEqual([]);
      expect(failed).toEqual([]);
    });

    it('teaches each endpoint where it is: its body fields with descriptions, an example request and answer, and only its own errors', async () => {
      browser ??= await launchBrowser();
      const page = await browser.newPage();
      await page.goto(`${svc.baseUrl}docs`);
      const delegation = page.locator('section.operation', { has: page.getByRole('heading', { level: 3, name: 'POST /delegation' }) });
      const fields = delegation.getByRole('table', { name: 'Request fields' });
      await expect(fields.getByRole('row', { name: /^grant_type / }).textContent()).resolves.toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
      await expect(fields.getByRole('row', { name: /^refresh_token / }).textContent()).resolves.toContain('exactly one of');
      await expect(delegation.locator('pre.example').first().textContent()).resolves.toContain('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer');
      await expect(delegation.locator('details[open] pre.example').textContent()).resolves.toContain('"id_token"');

      const token = page.locator('section.operation', { has: page.getByRole('heading', { level: 3, name: 'POST /oauth/token' }) });
      await expect(token.getByRole('table', { name: 'Request fields' }).getByRole('row', { name: /^grant_type / }).textContent()).resolves.toMatch(/refresh_token.*client_credentials/);
      const revoke = page.locator('section.operation', { has: page.getByRole('heading', { level: 3, name: 'POST /oauth/revoke' }) });
      const revokeErrors = await revoke.locator('summary').allTextContents();
      expect(revokeErrors.join('\n')).not.toContain('invalid_scope');
      expect((await token.locator('summary').allTextContents()).join('\n')).toContain('invalid_scope');

      const users = page.locator('section.operation', { has: page.getByRole('heading', { level: 3, name: 'GET /api/v2/users', exact: true }) });
      await expect(users.locator('details[open] pre.example').textContent()).resolves.toContain('"user_id": "auth0|alice"');
      const issue = page.locator('section.operation', { has: page.getByRole('heading', { level: 3, name: 'POST /api/v2/refresh-tokens', exact: true }) });
      await expect(issue.locator('pre.example').first().textContent()).resolves.toContain('"device_name": "Pixel 8"');

      // No schema section at the bottom: a body is read at its endpoint.
      expect(await page.getByRole('heading', { name: 'DelegationRequest' }).count()).toBe(0);
      await page.close();
    });
  });
});
