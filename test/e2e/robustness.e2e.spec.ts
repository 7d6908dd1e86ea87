/**
 * Hostile and odd input over real HTTP: every answer is a 4xx in the
 * surface's error shape (management: Auth0's; elsewhere RFC 6749 §5.2), never a 5xx.
 */
import { createClient, issueRefreshToken, JWT_BEARER, type CreatedClient } from '../support/fixtures';
import type { HttpMethod, HttpResponse, RequestOptions } from '../support/http-client';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../support/token-service';

const OAUTH_SHAPE = { error: expect.any(String), error_description: expect.any(String) };
const MANAGEMENT_SHAPE = (status: number) => ({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode: expect.any(String) });

/** mulberry32: a small deterministic PRNG, so a failing fuzz case is reproducible from its seed and index. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'null',
  '../../etc/passwd',
  '%00%2e%2e',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '😀'.repeat(50),
  '\ud800',
  'a'.repeat(300),
  'x'.repeat(9000),
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'refresh_token',
  'client_credentials',
  'offline_access openid',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  '__proto__',
  'constructor',
];

function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 1 ? 6 : 9));
  switch (pick) {
    case 0:
      return ODD_STRINGS[Math.floor(rand() * ODD_STRINGS.length)];
    case 1:
      return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1);
    case 2:
      return rand() < 0.5;
    case 3:
      return null;
    case 4:
      return rand() * 1e308;
    case 5:
      return Math.random.name + String(Math.floor(rand() * 1000));
    case 6:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default:
      return randomObject(rand, ['a', 'b', '__proto__', 'alg', 'lifetime_in_seconds'], depth + 1);
  }
}

function randomObject(rand: () => number, fields: readonly string[], depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(rand() * (fields.length + 2));
  for (let i = 0; i < n; i++) {
    const key = rand() < 0.85 ? fields[Math.floor(rand() * fields.length)] : `k${Math.floor(rand() * 5)}`;
    out[key] = randomValue(rand, depth);
  }
  return out;
}

/** encodeURIComponent, but a lone surrogate (which it refuses) goes out as its raw UTF-8-ish bytes. */
function safePathSegment(s: string): string {
  try {
    return encodeURIComponent(s) || '%20';
  } catch {
    return '%ED%A0%80';
  }
}

interface Target {
  method: HttpMethod;
  path: string;
  fields: readonly string[];
  management: boolean;
}

describe.each(ADAPTERS)('robustness (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  let app: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter, env: { DELEGATION_RATE_LIMIT: '0' } });
    token = await svc.managementToken();
    app = await createClient(svc, { app_type: 'native' });
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('malformed JSON', () => {
    it.each(['/delegation', '/oauth/token', '/oauth/revoke'])('answers 400 in the OAuth shape on %s', async (path) => {
      const r = await svc.http.post(path, { raw: '{"client_id": "x", ', headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(OAUTH_SHAPE);
    });

    it.each(['/api/v2/clients', '/api/v2/refresh-tokens', '/api/v2/client-grants'])('answers 400 in the management shape on %s', async (path) => {
      const r = await svc.http.post(path, { token, raw: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(400));
    });

    it('answers 400 for a JSON null or a bare string body', async () => {
      for (const raw of ['null', '"just a string"', '42', '[]']) {
        const r = await svc.http.post('/delegation', { raw, headers: { 'content-type': 'application/json' } });
        expect({ raw, status: r.status }).toEqual({ raw, status: 400 });
        expect(r.body).toEqual(OAUTH_SHAPE);
      }
    });
  });

  describe('body size', () => {
    it('answers 413 for a body over the limit (OAuth shape)', async () => {
      const r = await svc.http.post('/delegation', { json: { client_id: app.client_id, pad: 'x'.repeat(100 * 1024) } });
      expect(r.status).toBe(413);
      expect(r.body).toEqual(OAUTH_SHAPE);
    });

    it('answers 413 for a body over the limit (management shape)', async () => {
      const r = await svc.http.post('/api/v2/clients', { token, json: { name: 'x'.repeat(100 * 1024), app_type: 'native' } });
      expect(r.status).toBe(413);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(413));
    });

    it('answers 413 for a form body over the limit', async () => {
      const r = await svc.http.post('/oauth/revoke', { form: { client_id: app.client_id, token: 'x'.repeat(100 * 1024) } });
      expect(r.status).toBe(413);
    });
  });

  describe('content types with parameters', () => {
    it('accepts application/json; charset=utf-8 and a form with a charset', async () => {
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      const body = { client_id: app.client_id, grant_type: JWT_BEARER, refresh_token: issued.refresh_token };
      const json = await svc.http.post('/delegation', { raw: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8' } });
      expect(json.status).toBe(200);
      const form = await svc.http.post('/delegation', {
        raw: new URLSearchParams(body).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      });
      expect(form.status).toBe(200);
    });
  });

  describe('routing', () => {
    it('answers an unknown route with 404', async () => {
      const r = await svc.http.get('/no/such/route');
      expect(r.status).toBe(404);
      expect(r.body).toEqual(OAUTH_SHAPE);
    });

    it('answers an unknown management route with 404 in the management shape', async () => {
      const r = await svc.http.get('/api/v2/no-such-thing', { token });
      expect(r.status).toBe(404);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(404));
    });

    it('answers a wrong method on a known path with 404 or 405, never 5xx', async () => {
      const r = await svc.http.get('/delegation');
      expect([404, 405]).toContain(r.status);
      expect(r.body).toEqual(OAUTH_SHAPE);
    });
  });

  describe('content types', () => {
    it.each(['/delegation', '/oauth/token', '/oauth/revoke'])('refuses text/plain on %s with 415 or 400 in the OAuth shape', async (path) => {
      const r = await svc.http.post(path, { raw: 'client_id=x&token=y', headers: { 'content-type': 'text/plain' } });
      expect([400, 415]).toContain(r.status);
      expect(r.body).toEqual(OAUTH_SHAPE);
    });

    it('refuses a body without content type on /delegation with 4xx', async () => {
      const r = await svc.http.post('/delegation', { raw: 'garbage' });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    });

    it('refuses application/xml on the management API with 415 or 400 in the management shape', async () => {
      const r = await svc.http.post('/api/v2/clients', { token, raw: '<client/>', headers: { 'content-type': 'application/xml' } });
      expect([400, 415]).toContain(r.status);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(r.status));
    });
  });

  describe('odd strings', () => {
    it.each(ODD_STRINGS.map((s, i) => [i, s]))('never answers 5xx for odd string #%i in every field and path', async (_i, odd) => {
      const answers: HttpResponse[] = [];
      answers.push(await svc.http.post('/delegation', { json: { client_id: odd, grant_type: JWT_BEARER, refresh_token: odd } }));
      answers.push(await svc.http.post('/delegation', { json: { client_id: app.client_id, grant_type: JWT_BEARER, id_token: odd, target: odd } }));
      answers.push(await svc.http.post('/oauth/token', { form: { grant_type: odd, client_id: odd, refresh_token: odd, scope: odd } }));
      answers.push(await svc.http.post('/oauth/revoke', { form: { client_id: app.client_id, token: odd, token_type_hint: odd } }));
      answers.push(await svc.http.post('/api/v2/refresh-tokens', { token, json: { client_id: app.client_id, user_id: odd, device_name: odd, scope: odd } }));
      answers.push(await svc.http.post('/api/v2/clients', { token, json: { name: odd, app_type: odd } }));
      const segment = safePathSegment(odd);
      answers.push(await svc.http.get(`/api/v2/refresh-tokens/${segment}`, { token }));
      answers.push(await svc.http.get(`/api/v2/refresh-tokens/${segment}/history`, { token }));
      answers.push(await svc.http.delete(`/api/v2/device-credentials/${segment}`, { token }));
      answers.push(await svc.http.get(`/api/v2/users/${segment}/refresh-tokens`, { token, query: { from: odd || undefined } }));
      answers.push(await svc.http.get('/api/v2/device-credentials', { token, query: { user_id: odd, fields: odd, page: odd } }));
      answers.push(await svc.http.get(`/api/v2/clients/${segment}`, { token }));
      for (const r of answers) {
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) expect(r.body).toBeDefined();
      }
    });

    it('keeps a unicode user id and device name intact', async () => {
      const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: 'üser|😀', device_name: 'Téléphone ☎' });
      expect(issued.user_id).toBe('üser|😀');
      const r = await svc.http.get<{ user_id: string; device: { device_name: string } }>(`/api/v2/refresh-tokens/${issued.id}`, { token });
      expect(r.body.user_id).toBe('üser|😀');
      expect(r.body.device.device_name).toBe('Téléphone ☎');
    });
  });

  describe('fuzz', () => {
    const targets: Target[] = [
      { method: 'POST', path: '/delegation', fields: ['client_id', 'grant_type', 'refresh_token', 'id_token', 'target', 'scope', 'api_type'], management: false },
      { method: 'POST', path: '/oauth/token', fields: ['grant_type', 'client_id', 'client_secret', 'refresh_token', 'scope', 'audience'], management: false },
      { method: 'POST', path: '/oauth/revoke', fields: ['token', 'token_type_hint', 'client_id', 'client_secret'], management: false },
      { method: 'POST', path: '/api/v2/clients', fields: ['name', 'app_type', 'token_endpoint_auth_method', 'jwt_configuration', 'grant_types'], management: true },
      { method: 'POST', path: '/api/v2/refresh-tokens', fields: ['client_id', 'user_id', 'device_name', 'device_id', 'scope'], management: true },
      { method: 'POST', path: '/api/v2/client-grants', fields: ['client_id', 'audience', 'scope'], management: true },
      { method: 'GET', path: '/api/v2/device-credentials', fields: ['user_id', 'client_id', 'type', 'page', 'per_page', 'include_totals', 'fields', 'include_fields'], management: true },
      { method: 'DELETE', path: '/api/v2/users/fuzz-user/refresh-tokens', fields: ['client_id', 'device_id', 'reason'], management: true },
    ];

    it.each(targets.map((t, i) => [`${t.method} ${t.path}`, i]))('never answers 5xx to 200 random requests: %s', async (_name, index) => {
      const target = targets[index as number];
      const rand = prng(0xc0ffee + (index as number));
      const validValues: Record<string, string> = { client_id: app.client_id, grant_type: JWT_BEARER };
      for (let i = 0; i < 200; i++) {
        const body = randomObject(rand, target.fields);
        // Some requests carry a valid value, to get past the first checks.
        for (const [k, v] of Object.entries(validValues)) if (rand() < 0.3 && target.fields.includes(k)) body[k] = v;
        const options: RequestOptions = target.management ? { token } : {};
        const mode = rand();
        if (target.method === 'GET' || (target.method === 'DELETE' && mode < 0.5)) {
          options.query = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        } else if (mode < 0.55) {
          options.json = body;
        } else if (mode < 0.85) {
          options.form = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        } else {
          const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
          options.raw = bytes;
          options.headers = { 'content-type': rand() < 0.5 ? 'application/json' : 'application/x-www-form-urlencoded' };
        }
        const r = await svc.http.request(target.method, target.path, options);
        if (r.status >= 500) throw new Error(`fuzz case ${i} of ${target.method} ${target.path}: ${r.status} ${r.text} for ${JSON.stringify(options)}`);
        if (r.status >= 400) expect(r.body).toEqual(target.management ? MANAGEMENT_SHAPE(r.status) : OAUTH_SHAPE);
      }
    });
  });
});
