import { createClient, delegate, history, issueRefreshToken, type CreatedClient, type ManagementErrorBody } from '../../../../../test/support/fixtures';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface DeviceCredential {
  id: string;
  device_name: string;
  device_id: string | null;
  type: string;
  user_id: string;
  client_id: string;
}
interface Totals {
  start: number;
  limit: number;
  length: number;
  total: number;
  device_credentials: DeviceCredential[];
}

describe.each(ADAPTERS)('management API: device credentials (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  let appA: CreatedClient;
  let appB: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
    appA = await createClient(svc, { app_type: 'native' });
    appB = await createClient(svc, { app_type: 'native' });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const list = <T = DeviceCredential[]>(query: Record<string, string | number | boolean | undefined>) =>
    svc.http.get<T>('/api/v2/device-credentials', { token, query });

  describe('GET /api/v2/device-credentials', () => {
    it("lists a user's valid credentials in Auth0's shape, filtered by user_id and client_id", async () => {
      const userId = uniqueId('user');
      const a1 = await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId, device_name: 'Phone', device_id: 'p1' });
      const a2 = await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId, device_name: 'Laptop' });
      const b1 = await issueRefreshToken(svc, { client_id: appB.client_id, user_id: userId, device_name: 'Watch' });
      await issueRefreshToken(svc, { client_id: appA.client_id, user_id: uniqueId('someone-else') });

      const all = await list({ user_id: userId });
      expect(all.status).toBe(200);
      expect(all.body).toHaveLength(3);
      expect(all.body).toEqual(
        expect.arrayContaining([
          { id: a1.id, device_name: 'Phone', device_id: 'p1', type: 'refresh_token', user_id: userId, client_id: appA.client_id },
          expect.objectContaining({ id: a2.id, device_name: 'Laptop', client_id: appA.client_id }),
          expect.objectContaining({ id: b1.id, device_name: 'Watch', client_id: appB.client_id }),
        ]),
      );
      for (const c of all.body) expect(Object.keys(c).sort()).toEqual(['client_id', 'device_id', 'device_name', 'id', 'type', 'user_id']);

      const ofA = await list({ user_id: userId, client_id: appA.client_id });
      expect(ofA.body.map((c) => c.id).sort()).toEqual([a1.id, a2.id].sort());

      // Only valid credentials: a revoked one drops out.
      expect((await svc.http.delete(`/api/v2/refresh-tokens/${a2.id}`, { token })).status).toBe(204);
      const afterRevoke = await list({ user_id: userId });
      expect(afterRevoke.body.map((c) => c.id).sort()).toEqual([a1.id, b1.id].sort());
    });

    it('pages with page and per_page, and include_totals gives {start, limit, length, total, device_credentials}', async () => {
      const userId = uniqueId('user');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId, device_name: `d${i}` })).id);

      const pages: string[] = [];
      for (let page = 0; page < 3; page++) {
        const r = await list({ user_id: userId, page, per_page: 2 });
        expect(r.status).toBe(200);
        expect(r.body.length).toBe(page < 2 ? 2 : 1);
        pages.push(...r.body.map((c) => c.id));
      }
      expect(new Set(pages)).toEqual(new Set(ids));
      expect(pages).toHaveLength(5);
      expect((await list({ user_id: userId, page: 3, per_page: 2 })).body).toEqual([]);

      const totals = await list<Totals>({ user_id: userId, page: 1, per_page: 2, include_totals: true });
      expect(totals.status).toBe(200);
      expect(totals.body).toEqual({ start: 2, limit: 2, length: 2, total: 5, device_credentials: expect.any(Array) });
      expect(totals.body.device_credentials).toHaveLength(2);
    });

    it('selects fields with fields and include_fields', async () => {
      const userId = uniqueId('user');
      await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId, device_name: 'Phone' });
      const only = await list({ user_id: userId, fields: 'id,device_name' });
      expect(only.status).toBe(200);
      expect(Object.keys(only.body[0]).sort()).toEqual(['device_name', 'id']);
      const except = await list({ user_id: userId, fields: 'id,device_name', include_fields: false });
      expect(Object.keys(except.body[0]).sort()).toEqual(['client_id', 'device_id', 'type', 'user_id']);
    });

    it('answers an empty list for other credential types', async () => {
      const userId = uniqueId('user');
      await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId });
      const r = await list({ user_id: userId, type: 'public_key' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual([]);
    });

    it.each([
      ['per_page over 1000', { per_page: 1001 }],
      ['per_page 0', { per_page: 0 }],
      ['a negative page', { page: -1 }],
      ['a non-numeric page', { page: 'two' }],
      ['an unknown type', { type: 'password' }],
      ['include_totals not a boolean', { include_totals: 'yes' }],
      ['an unknown parameter', { sort: 'id:1' }],
    ])('refuses %s with 400 invalid_query_string', async (_what, query) => {
      const r = await list<ManagementErrorBody>(query);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String), errorCode: 'invalid_query_string' });
    });

    it('accepts per_page 1000', async () => {
      expect((await list({ user_id: uniqueId('user'), per_page: 1000 })).status).toBe(200);
    });
  });

  describe('DELETE /api/v2/device-credentials/{id}', () => {
    it('answers 204, the token stops delegating, then 404 with no second revocation: it is no longer a device credential', async () => {
      const issued = await issueRefreshToken(svc, { client_id: appA.client_id });
      expect((await delegate(svc, appA.client_id, issued.refresh_token)).status).toBe(200);
      const r = await svc.http.delete(`/api/v2/device-credentials/${issued.id}`, { token });
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
      const refused = await delegate(svc, appA.client_id, issued.refresh_token);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
      const again = await svc.http.delete<ManagementErrorBody>(`/api/v2/device-credentials/${issued.id}`, { token });
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), errorCode: expect.any(String) });
      // The decider judged the second DELETE (invariant 4): issued, revoked, nothing more.
      expect((await history(svc, issued.id)).events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
    });

    it('answers 404 for an unknown id', async () => {
      const r = await svc.http.delete<ManagementErrorBody>(`/api/v2/device-credentials/${uniqueId('nope')}`, { token });
      expect(r.status).toBe(404);
    });

    it('records a reason given in the query', async () => {
      const issued = await issueRefreshToken(svc, { client_id: appA.client_id });
      await svc.http.delete(`/api/v2/device-credentials/${issued.id}`, { token, query: { reason: 'user clicked X' } });
      const h = await svc.http.get<{ events: { reason: string }[] }>(`/api/v2/refresh-tokens/${issued.id}/history`, { token });
      expect(h.body.events[1].reason).toBe('user clicked X');
    });
  });
});
