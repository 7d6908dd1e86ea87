import {
  createClient,
  delegate,
  history,
  issueRefreshToken,
  JWT_BEARER,
  type CreatedClient,
  type IssuedRefreshToken,
  type ManagementErrorBody,
} from '../../../../../test/support/fixtures';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface RefreshTokenView {
  id: string;
  user_id: string;
  client_id: string;
  device: { device_id: string | null; device_name: string };
  created_at: string;
  revoked_at?: string;
  scope: string;
}

describe.each(ADAPTERS)('management API: refresh tokens (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  let client: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
    client = await createClient(svc, { app_type: 'native' });
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('POST /api/v2/refresh-tokens', () => {
    it('answers 201 with the plaintext token and the credential', async () => {
      const userId = uniqueId('user');
      const r = await svc.http.post<IssuedRefreshToken>('/api/v2/refresh-tokens', {
        token,
        json: { client_id: client.client_id, user_id: userId, device_name: 'iPhone 15', device_id: 'dev-1', scope: 'openid offline_access' },
      });
      expect(r.status).toBe(201);
      expect(r.body).toEqual({
        id: expect.any(String),
        refresh_token: expect.any(String),
        client_id: client.client_id,
        user_id: userId,
        device_name: 'iPhone 15',
        device_id: 'dev-1',
        scope: 'openid offline_access',
        created_at: expect.any(String),
        dpop_jkt: null,
      });
      expect(Number.isNaN(Date.parse(r.body.created_at))).toBe(false);
      // F1: at least 256 bits of randomness.
      expect(Buffer.from(r.body.refresh_token, 'base64url').length * 8).toBeGreaterThanOrEqual(256);
      expect(r.body.refresh_token).not.toBe(r.body.id);
    });

    it('issues a distinct token each time for the same (client, user, device)', async () => {
      const userId = uniqueId('user');
      const a = await issueRefreshToken(svc, { client_id: client.client_id, user_id: userId, device_id: 'same' });
      const b = await issueRefreshToken(svc, { client_id: client.client_id, user_id: userId, device_id: 'same' });
      expect(a.refresh_token).not.toBe(b.refresh_token);
      expect(a.id).not.toBe(b.id);
    });

    it('refuses a scope without offline_access with 400', async () => {
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/refresh-tokens', {
        token,
        json: { client_id: client.client_id, user_id: uniqueId('user'), device_name: 'x', scope: 'openid profile' },
      });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String), errorCode: expect.any(String) });
    });

    it('refuses an unknown client with 404', async () => {
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/refresh-tokens', {
        token,
        json: { client_id: uniqueId('nope'), user_id: uniqueId('user'), device_name: 'x', scope: 'openid offline_access' },
      });
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), errorCode: expect.any(String) });
    });

    it.each([
      ['a missing user_id', { device_name: 'x', scope: 'offline_access' }],
      ['a missing device_name', { user_id: 'u', scope: 'offline_access' }],
      ['an unknown field', { user_id: 'u', device_name: 'x', scope: 'offline_access', expires_at: 1 }],
      ['a non-string scope', { user_id: 'u', device_name: 'x', scope: ['offline_access'] }],
    ])('refuses %s with 400 invalid_body', async (_what, body) => {
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/refresh-tokens', { token, json: { client_id: client.client_id, ...body } });
      expect(r.status).toBe(400);
      expect(r.body.errorCode).toBe('invalid_body');
    });
  });

  describe('GET /api/v2/refresh-tokens/{id}', () => {
    it('shows the credential, without the plaintext; revoked_at once revoked', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id, device_id: 'd-9', device_name: 'Tablet' });
      const r = await svc.http.get<RefreshTokenView>(`/api/v2/refresh-tokens/${issued.id}`, { token });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id: issued.id,
        user_id: issued.user_id,
        client_id: client.client_id,
        device: { device_id: 'd-9', device_name: 'Tablet' },
        created_at: issued.created_at,
      });
      expect(r.body.revoked_at).toBeUndefined();
      expect(r.text).not.toContain(issued.refresh_token);

      expect((await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token })).status).toBe(204);
      const after = await svc.http.get<RefreshTokenView>(`/api/v2/refresh-tokens/${issued.id}`, { token });
      expect(after.body.revoked_at).toEqual(expect.any(String));
    });

    it('answers 404 for an unknown id', async () => {
      const r = await svc.http.get<ManagementErrorBody>(`/api/v2/refresh-tokens/${uniqueId('nope')}`, { token });
      expect(r.status).toBe(404);
      expect(r.body.statusCode).toBe(404);
    });
  });

  describe('DELETE /api/v2/refresh-tokens/{id}', () => {
    it('answers 204 twice, records ONE revocation, and delegation is refused afterwards', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      const first = await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token });
      expect(first.status).toBe(204);
      expect(first.text).toBe('');
      const second = await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token });
      expect(second.status).toBe(204);

      const events = (await history(svc, issued.id)).events;
      expect(events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
      const refused = await delegate(svc, client.client_id, issued.refresh_token);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_grant');
    });

    it('answers 404 for an unknown id', async () => {
      const r = await svc.http.delete<ManagementErrorBody>(`/api/v2/refresh-tokens/${uniqueId('nope')}`, { token });
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), errorCode: expect.any(String) });
    });

    it('takes the reason from ?reason=', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token, query: { reason: 'stolen phone' } });
      const events = (await history(svc, issued.id)).events;
      expect(events[1]).toMatchObject({ actor: svc.managementClientId, reason: 'stolen phone' });
    });

    it('takes the reason from a JSON body', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      const r = await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token, json: { reason: 'employee left' } });
      expect(r.status).toBe(204);
      const events = (await history(svc, issued.id)).events;
      expect(events[1]).toMatchObject({ actor: svc.managementClientId, reason: 'employee left' });
    });
  });

  describe('GET /api/v2/refresh-tokens/{id}/history', () => {
    it('lists the events in log order with type, time, log_position, actor, reason and data, never the token or its hash', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id, device_id: 'h-1' });
      await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token, query: { reason: 'audit-test' } });
      const r = await svc.http.get<{ events: unknown[] }>(`/api/v2/refresh-tokens/${issued.id}/history`, { token });
      expect(r.status).toBe(200);
      expect(Object.keys(r.body)).toEqual(['events']);
      const [issuedEvent, revokedEvent] = (await history(svc, issued.id)).events;
      // product.md's fields; more (e.g. correlation ids) may follow.
      expect(Object.keys(issuedEvent)).toEqual(expect.arrayContaining(['type', 'time', 'log_position', 'actor', 'reason', 'data']));
      expect(issuedEvent).toMatchObject({
        type: 'RefreshTokenIssued',
        time: expect.any(String),
        log_position: expect.any(Number),
        actor: svc.managementClientId,
      });
      expect(JSON.stringify(issuedEvent.data)).toContain(issued.user_id);
      expect(revokedEvent).toMatchObject({ type: 'RefreshTokenRevoked', actor: svc.managementClientId, reason: 'audit-test' });
      expect(revokedEvent.log_position).toBeGreaterThan(issuedEvent.log_position);
      expect(Date.parse(revokedEvent.time)).toBeGreaterThanOrEqual(Date.parse(issuedEvent.time));
      expect(r.text).not.toContain(issued.refresh_token);
      expect(r.text).not.toMatch(/token_?hash/i);
    });

    it('answers 404 for an unknown id', async () => {
      const r = await svc.http.get<ManagementErrorBody>(`/api/v2/refresh-tokens/${uniqueId('nope')}/history`, { token });
      expect(r.status).toBe(404);
    });

    it('records rfc7009 with the client as actor for /oauth/revoke', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      const r = await svc.http.post('/oauth/revoke', { json: { client_id: client.client_id, token: issued.refresh_token } });
      expect(r.status).toBe(200);
      const events = (await history(svc, issued.id)).events;
      expect(events[1]).toMatchObject({ type: 'RefreshTokenRevoked', actor: client.client_id, reason: 'rfc7009' });
    });

    it('records device_credential_deleted for DELETE /device-credentials/{id}', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      expect((await svc.http.delete(`/api/v2/device-credentials/${issued.id}`, { token })).status).toBe(204);
      const events = (await history(svc, issued.id)).events;
      expect(events[1]).toMatchObject({ type: 'RefreshTokenRevoked', actor: svc.managementClientId, reason: 'device_credential_deleted' });
    });

    it('records user_bulk_revoke for DELETE /users/{id}/refresh-tokens', async () => {
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      const r = await svc.http.delete(`/api/v2/users/${encodeURIComponent(issued.user_id)}/refresh-tokens`, { token });
      expect(r.status).toBe(204);
      const events = (await history(svc, issued.id)).events;
      expect(events[1]).toMatchObject({ type: 'RefreshTokenRevoked', actor: svc.managementClientId, reason: 'user_bulk_revoke' });
    });

    it('records client_deleted by system for a client deletion', async () => {
      const doomed = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: doomed.client_id });
      expect((await svc.http.delete(`/api/v2/clients/${doomed.client_id}`, { token })).status).toBe(204);
      const events = (await history(svc, issued.id)).events;
      expect(events[1]).toMatchObject({ type: 'RefreshTokenRevoked', actor: 'system', reason: 'client_deleted' });
    });
  });

  it('a refresh token issued here delegates at once (read-your-writes of issuance)', async () => {
    const issued = await issueRefreshToken(svc, { client_id: client.client_id });
    const r = await svc.http.post('/delegation', {
      json: { client_id: client.client_id, grant_type: JWT_BEARER, refresh_token: issued.refresh_token },
    });
    expect(r.status).toBe(200);
  });
});
