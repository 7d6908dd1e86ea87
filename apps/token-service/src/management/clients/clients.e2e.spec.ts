import {
  createClient,
  delegate,
  history,
  issueRefreshToken,
  type CreatedClient,
  type ManagementErrorBody,
} from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

function expectManagementError(r: HttpResponse<ManagementErrorBody>, status: number, errorCode: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode });
}

describe.each(ADAPTERS)('management API: clients (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('POST /api/v2/clients', () => {
    it('creates a confidential client and returns its secret once', async () => {
      const name = uniqueId('web');
      const r = await svc.http.post<CreatedClient>('/api/v2/clients', { token, json: { name, app_type: 'regular_web' } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        name,
        app_type: 'regular_web',
        token_endpoint_auth_method: 'client_secret_post',
        jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 },
      });
      expect(r.body.client_id).toEqual(expect.any(String));
      expect(r.body.client_secret).toEqual(expect.any(String));
      expect(r.body.client_secret!.length).toBeGreaterThanOrEqual(32);

      const got = await svc.http.get<CreatedClient>(`/api/v2/clients/${r.body.client_id}`, { token });
      expect(got.status).toBe(200);
      expect(got.body).not.toHaveProperty('client_secret');
      expect(got.text).not.toContain(r.body.client_secret!);
      expect(got.body).toMatchObject({ client_id: r.body.client_id, name, app_type: 'regular_web' });
    });

    it.each(['native', 'spa'])('defaults a %s app to token_endpoint_auth_method none, without a secret', async (appType) => {
      const r = await svc.http.post<CreatedClient>('/api/v2/clients', { token, json: { name: uniqueId(appType), app_type: appType } });
      expect(r.status).toBe(201);
      expect(r.body.token_endpoint_auth_method).toBe('none');
      expect(r.body.client_secret).toBeUndefined();
    });

    it('keeps an explicit token_endpoint_auth_method and jwt_configuration', async () => {
      const r = await svc.http.post<CreatedClient>('/api/v2/clients', {
        token,
        json: {
          name: uniqueId('basic'),
          app_type: 'regular_web',
          token_endpoint_auth_method: 'client_secret_basic',
          jwt_configuration: { alg: 'ES256', lifetime_in_seconds: 300 },
        },
      });
      expect(r.status).toBe(201);
      expect(r.body.token_endpoint_auth_method).toBe('client_secret_basic');
      expect(r.body.jwt_configuration).toMatchObject({ alg: 'ES256', lifetime_in_seconds: 300 });
    });

    it.each([
      ['a missing name', { app_type: 'native' }],
      ['an empty name', { name: '', app_type: 'native' }],
      ['an unknown app_type', { name: 'x', app_type: 'mainframe' }],
      ['an unknown auth method', { name: 'x', app_type: 'native', token_endpoint_auth_method: 'private_key_jwt' }],
      ['an unknown alg', { name: 'x', app_type: 'native', jwt_configuration: { alg: 'none' } }],
      ['a negative lifetime', { name: 'x', app_type: 'native', jwt_configuration: { lifetime_in_seconds: -5 } }],
      ['a name that is not a string', { name: 42, app_type: 'native' }],
      ['an unknown field', { name: 'x', app_type: 'native', is_admin: true }],
      ['an unknown jwt_configuration field', { name: 'x', app_type: 'native', jwt_configuration: { secret_encoded: true, kid: 'x' } }],
    ])('refuses %s with 400 in the management error shape', async (_what, body) => {
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/clients', { token, json: body });
      expectManagementError(r, 400, 'invalid_body');
    });

    it('refuses a body that is a JSON array with 400', async () => {
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/clients', { token, json: [{ name: 'x' }] });
      expect(r.status).toBe(400);
      expect(r.body.statusCode).toBe(400);
    });
  });

  describe('GET /api/v2/clients', () => {
    it('lists clients as a plain array without secrets', async () => {
      const created = await createClient(svc, { app_type: 'regular_web' });
      const r = await svc.http.get<CreatedClient[]>('/api/v2/clients', { token });
      expect(r.status).toBe(200);
      expect(Array.isArray(r.body)).toBe(true);
      const found = r.body.find((c) => c.client_id === created.client_id);
      expect(found).toMatchObject({ name: created.name, app_type: 'regular_web' });
      for (const c of r.body) expect(c).not.toHaveProperty('client_secret');
      expect(r.text).not.toContain(created.client_secret!);
      expect(r.body.some((c) => c.client_id === svc.managementClientId)).toBe(true);
    });
  });

  describe('GET /api/v2/clients/{id}', () => {
    it('answers 404 inexistent_client for an unknown client', async () => {
      const r = await svc.http.get<ManagementErrorBody>(`/api/v2/clients/${uniqueId('nope')}`, { token });
      expectManagementError(r, 404, 'inexistent_client');
    });
  });

  describe('DELETE /api/v2/clients/{id}', () => {
    it('answers 204, revokes every token of the client (actor system, reason client_deleted), and a second delete is 404', async () => {
      const client = await createClient(svc, { app_type: 'native' });
      const a = await issueRefreshToken(svc, { client_id: client.client_id });
      const b = await issueRefreshToken(svc, { client_id: client.client_id });
      expect((await delegate(svc, client.client_id, a.refresh_token)).status).toBe(200);

      const r = await svc.http.delete(`/api/v2/clients/${client.client_id}`, { token });
      expect(r.status).toBe(204);
      expect(r.text).toBe('');

      const gone = await svc.http.get<ManagementErrorBody>(`/api/v2/clients/${client.client_id}`, { token });
      expectManagementError(gone, 404, 'inexistent_client');
      // The client no longer exists, so /delegation does not know it (invalid_client).
      const refused = await delegate(svc, client.client_id, a.refresh_token);
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');

      for (const issued of [a, b]) {
        const events = (await history(svc, issued.id)).events;
        expect(events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
        expect(events[1]).toMatchObject({ actor: 'system', reason: 'client_deleted' });
        const got = await svc.http.get<{ revoked_at?: string }>(`/api/v2/refresh-tokens/${issued.id}`, { token });
        expect(got.status).toBe(200);
        expect(got.body.revoked_at).toEqual(expect.any(String));
      }

      const again = await svc.http.delete<ManagementErrorBody>(`/api/v2/clients/${client.client_id}`, { token });
      expectManagementError(again, 404, 'inexistent_client');
      // The cascade ran once: still one revocation per token.
      expect((await history(svc, a.id)).events).toHaveLength(2);
    });

    it('answers 404 for an unknown client', async () => {
      const r = await svc.http.delete<ManagementErrorBody>(`/api/v2/clients/${uniqueId('nope')}`, { token });
      expectManagementError(r, 404, 'inexistent_client');
    });
  });

  describe('DELETE /api/v2/clients/{id}/refresh-tokens', () => {
    it("revokes every token of the client and only those; the client stays", async () => {
      const client = await createClient(svc, { app_type: 'native' });
      const other = await createClient(svc, { app_type: 'native' });
      const mine = [await issueRefreshToken(svc, { client_id: client.client_id }), await issueRefreshToken(svc, { client_id: client.client_id })];
      const theirs = await issueRefreshToken(svc, { client_id: other.client_id });

      const r = await svc.http.delete(`/api/v2/clients/${client.client_id}/refresh-tokens`, { token, query: { reason: 'lost_laptop' } });
      expect(r.status).toBe(204);

      for (const issued of mine) {
        const refused = await delegate(svc, client.client_id, issued.refresh_token);
        expect(refused.status).toBe(400);
        expect(refused.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
        const events = (await history(svc, issued.id)).events;
        expect(events[1]).toMatchObject({ type: 'RefreshTokenRevoked', actor: svc.managementClientId, reason: 'lost_laptop' });
      }
      expect((await delegate(svc, other.client_id, theirs.refresh_token)).status).toBe(200);
      expect((await svc.http.get(`/api/v2/clients/${client.client_id}`, { token })).status).toBe(200);
      // New tokens of the client still work.
      const fresh = await issueRefreshToken(svc, { client_id: client.client_id });
      expect((await delegate(svc, client.client_id, fresh.refresh_token)).status).toBe(200);
    });

    it('answers 404 for an unknown client', async () => {
      const r = await svc.http.delete<ManagementErrorBody>(`/api/v2/clients/${uniqueId('nope')}/refresh-tokens`, { token });
      expectManagementError(r, 404, 'inexistent_client');
    });
  });
});
