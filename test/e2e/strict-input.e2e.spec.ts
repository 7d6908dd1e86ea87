/**
 * Issue 8 item 8: strict input everywhere. Malformed bulk-revocation filters
 * revoke nothing; text that is not well-formed Unicode or holds control or
 * format characters is refused with the field named, on every surface; the
 * management API takes JSON bodies only.
 */
import { createClient, issueRefreshToken, JWT_BEARER, type CreatedClient, type ManagementErrorBody, type OAuthErrorBody } from '../support/fixtures';
import type { RequestOptions } from '../support/http-client';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../support/token-service';

const MANAGEMENT_SHAPE = (status: number) => ({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode: expect.any(String) });

/** The characters refused in every text field, each with why. */
const HOSTILE = [
  ['a lone surrogate', 'user\ud800', /well-formed Unicode/],
  ['a bidi override (U+202E)', 'gpj\u202Eexe', /U\+202E/],
  ['a zero-width space (U+200B)', 'ad\u200Bmin', /U\+200B/],
  ['a byte-order mark (U+FEFF)', '\uFEFFadmin', /U\+FEFF/],
  ['a control character (U+0007)', 'bell\u0007', /control characters/],
] as const;

describe.each(ADAPTERS)('strict input (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  let app: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
    app = await createClient(svc);
  });
  afterAll(async () => {
    await svc?.close();
  });

  const validIds = async (userId: string): Promise<string[]> => {
    const r = await svc.http.get<{ tokens: { id: string }[] }>(`/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`, { token });
    expect(r.status).toBe(200);
    return r.body.tokens.map((t) => t.id).sort();
  };

  describe('bulk revocation with malformed filters', () => {
    const MALFORMED: [string, RequestOptions, string][] = [
      ['client_id as an array', { json: { client_id: ['x'] } }, ''],
      ['client_id as a number', { json: { client_id: 42 } }, ''],
      ['client_id as an object', { json: { client_id: { $ne: null } } }, ''],
      ['device_id as an array', { json: { device_id: ['d'] } }, ''],
      ['reason as a number', { json: { reason: 7 } }, ''],
      ['an unknown filter', { json: { user: 'someone-else' } }, ''],
      ['a body that is an array', { json: [{ client_id: 'x' }] }, ''],
      // A repeated query parameter reaches the server as an array.
      ['a repeated query filter', {}, '?client_id=a&client_id=b'],
      ['a client_id with a bidi override', { json: { client_id: 'x\u202E' } }, ''],
    ];

    it.each(MALFORMED)('answers 400 to %s on DELETE /api/v2/users/{user_id}/refresh-tokens and revokes nothing', async (_what, options, queryString) => {
      const userId = uniqueId('user');
      const a = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId });
      const b = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_id: 'd' });
      const r = await svc.http.delete<ManagementErrorBody>(`/api/v2/users/${userId}/refresh-tokens${queryString}`, { token, ...options });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(400));
      expect(await validIds(userId)).toEqual([a.id, b.id].sort());
    });

    it('answers 400 to a malformed reason on DELETE /api/v2/clients/{id}/refresh-tokens and revokes nothing', async () => {
      const client = await createClient(svc);
      const userId = uniqueId('user');
      const issued = await issueRefreshToken(svc, { client_id: client.client_id, user_id: userId });
      const r = await svc.http.delete<ManagementErrorBody>(`/api/v2/clients/${client.client_id}/refresh-tokens`, { token, json: { reason: ['x'] } });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/reason/);
      expect(await validIds(userId)).toEqual([issued.id]);
    });

    it('still revokes with well-formed filters in the body', async () => {
      const userId = uniqueId('user');
      await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_id: 'd1' });
      const kept = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId, device_id: 'd2' });
      const r = await svc.http.delete(`/api/v2/users/${userId}/refresh-tokens`, { token, json: { device_id: 'd1', reason: 'lost phone' } });
      expect(r.status).toBe(204);
      expect(await validIds(userId)).toEqual([kept.id]);
    });
  });

  describe('text that is not well-formed or holds control or format characters', () => {
    it.each(HOSTILE)('refuses %s in every management text field, naming the field', async (_what, bad, why) => {
      const issue = (fields: Record<string, unknown>) =>
        svc.http.post<ManagementErrorBody>('/api/v2/refresh-tokens', {
          token,
          json: { client_id: app.client_id, user_id: uniqueId('user'), device_name: 'Pixel 8', scope: 'openid offline_access', ...fields },
        });
      // A query string cannot carry a lone surrogate (URL encoding replaces it): send a control character there instead.
      const [queryBad, queryWhy] = bad.includes('\ud800') ? ['bell\u0007', /control characters/] : [bad, why];
      const cases: [string, Promise<{ status: number; body: ManagementErrorBody }>, RegExp][] = [
        ['user_id', issue({ user_id: bad }), why],
        ['device_name', issue({ device_name: bad }), why],
        ['device_id', issue({ device_id: bad }), why],
        ['client_id', issue({ client_id: bad }), why],
        ['name', svc.http.post('/api/v2/clients', { token, json: { name: bad, app_type: 'native' } }), why],
        ['scope.0', svc.http.post('/api/v2/client-grants', { token, json: { client_id: app.client_id, audience: svc.managementAudience, scope: [bad] } }), why],
        ['user_id', svc.http.get('/api/v2/device-credentials', { token, query: { user_id: queryBad } }), queryWhy],
      ];
      for (const [field, pending, expectedWhy] of cases) {
        const r = await pending;
        expect({ field, status: r.status }).toEqual({ field, status: 400 });
        expect(r.body).toEqual(MANAGEMENT_SHAPE(400));
        expect(r.body.message).toContain(`${field}:`);
        expect(r.body.message).toMatch(expectedWhy);
      }
    });

    it.each(HOSTILE.filter(([, bad]) => !bad.includes('\ud800')))('refuses %s in a reason and in a path id, and revokes nothing', async (_what, bad) => {
      const userId = uniqueId('user');
      const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId });
      const byReason = await svc.http.delete<ManagementErrorBody>(`/api/v2/refresh-tokens/${issued.id}`, { token, query: { reason: bad } });
      expect(byReason.status).toBe(400);
      expect(byReason.body.message).toMatch(/reason:/);
      const byPath = await svc.http.delete<ManagementErrorBody>(`/api/v2/users/${encodeURIComponent(userId + bad)}/refresh-tokens`, { token });
      expect(byPath.status).toBe(400);
      expect(byPath.body.message).toMatch(/user_id:/);
      expect(await validIds(userId)).toEqual([issued.id]);
    });

    it.each(HOSTILE)('refuses %s in OAuth identifiers with invalid_request naming the field', async (_what, bad) => {
      const delegation = await svc.http.post<OAuthErrorBody>('/delegation', { json: { client_id: bad, grant_type: JWT_BEARER, refresh_token: 'x' } });
      expect(delegation.status).toBe(400);
      expect(delegation.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('client_id:') });
      const target = await svc.http.post<OAuthErrorBody>('/delegation', { json: { client_id: app.client_id, grant_type: JWT_BEARER, refresh_token: 'x', target: bad } });
      expect(target.status).toBe(400);
      expect(target.body.error_description).toContain('target:');
    });

    it('keeps accepting non-ASCII text that is well-formed', async () => {
      const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: 'üser|😀 עברית', device_name: 'Téléphone ☎' });
      expect(issued.user_id).toBe('üser|😀 עברית');
    });
  });

  describe('the management API takes JSON only', () => {
    it('answers a form body with 415 in the management shape, and a form bulk revocation revokes nothing', async () => {
      const created = await svc.http.post<ManagementErrorBody>('/api/v2/clients', { token, form: { name: uniqueId('app'), app_type: 'native' } });
      expect(created.status).toBe(415);
      expect(created.body).toEqual(MANAGEMENT_SHAPE(415));

      const userId = uniqueId('user');
      const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId });
      const revoked = await svc.http.delete(`/api/v2/users/${userId}/refresh-tokens`, { token, form: { client_id: app.client_id } });
      expect(revoked.status).toBe(415);
      expect(revoked.body).toEqual(MANAGEMENT_SHAPE(415));
      expect(await validIds(userId)).toEqual([issued.id]);
    });

    it('still takes JSON with a charset parameter', async () => {
      const r = await svc.http.post('/api/v2/clients', {
        token,
        raw: JSON.stringify({ name: uniqueId('app'), app_type: 'native' }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(r.status).toBe(201);
    });
  });
});
