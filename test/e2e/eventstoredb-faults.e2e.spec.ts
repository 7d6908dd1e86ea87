/**
 * EventStoreDB outage, end to end, on the gRPC TEST DOUBLE of EventStoreDB
 * (a real server cannot be stopped from here, so with
 * EVENTSTORE_CONNECTION_STRING set this suite is not registered at all).
 * architecture.md invariant 8: an outage delays writes, loses nothing, and
 * reads (/delegation) keep answering from the local read model.
 */
import { createClient, delegate, issueRefreshToken, type CreatedClient, type ManagementErrorBody } from '../support/fixtures';
import { REAL_EVENTSTOREDB_CONNECTION_STRING, startTokenService, uniqueId, type TokenServiceUnderTest } from '../support/token-service';

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

if (!REAL_EVENTSTOREDB_CONNECTION_STRING) {
  describe('EventStoreDB outage (eventstoredb adapter on the test double)', () => {
    let svc: TokenServiceUnderTest;
    let token: string;
    let app: CreatedClient;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'eventstoredb', env: { DELEGATION_RATE_LIMIT: '0', READ_YOUR_WRITES_TIMEOUT_MS: '3000' } });
      token = await svc.managementToken();
      app = await createClient(svc, { app_type: 'native' });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('answers writes 503 with Retry-After and appends nothing, keeps delegating, and recovers when the store is back', async () => {
      const double = svc.double!;
      const kept = await issueRefreshToken(svc, { client_id: app.client_id });
      const toRevoke = await issueRefreshToken(svc, { client_id: app.client_id });
      const logLength = double.log.length;

      await double.stop();
      try {
        const issue = await svc.http.post<ManagementErrorBody>('/api/v2/refresh-tokens', {
          token,
          json: { client_id: app.client_id, user_id: uniqueId('user'), device_name: 'x', scope: 'openid offline_access' },
        });
        expect(issue.status).toBe(503);
        expect(issue.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(issue.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String), errorCode: expect.any(String) });

        const revoke = await svc.http.delete<ManagementErrorBody>(`/api/v2/refresh-tokens/${toRevoke.id}`, { token });
        expect(revoke.status).toBe(503);
        expect(revoke.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(revoke.body.statusCode).toBe(503);

        const bulk = await svc.http.delete<ManagementErrorBody>(`/api/v2/users/${encodeURIComponent(toRevoke.user_id)}/refresh-tokens`, { token });
        expect(bulk.status).toBe(503);
        expect(bulk.headers.get('retry-after')).toMatch(/^\d+$/);

        const oauthRevoke = await svc.http.post('/oauth/revoke', { json: { client_id: app.client_id, token: toRevoke.refresh_token } });
        expect(oauthRevoke.status).toBe(503);
        expect(oauthRevoke.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(oauthRevoke.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });

        // Reads come from the local read model: delegation keeps working, and nothing was revoked.
        expect((await delegate(svc, app.client_id, kept.refresh_token)).status).toBe(200);
        expect((await delegate(svc, app.client_id, toRevoke.refresh_token)).status).toBe(200);
        expect((await svc.http.get(`/api/v2/refresh-tokens/${kept.id}`, { token })).status).toBe(200);
      } finally {
        await double.start();
      }
      expect(double.log.length).toBe(logLength);

      // Writes work again once the client reconnects.
      const fresh = await eventually('writes after the store came back', async () => {
        const r = await svc.http.post<{ id: string; refresh_token: string }>('/api/v2/refresh-tokens', {
          token,
          json: { client_id: app.client_id, user_id: uniqueId('user'), device_name: 'x', scope: 'openid offline_access' },
        });
        return r.status === 201 ? r.body : undefined;
      });
      expect((await delegate(svc, app.client_id, fresh.refresh_token)).status).toBe(200);

      // The projection resumed: a revoke made after the restart is seen at once.
      expect((await svc.http.delete(`/api/v2/refresh-tokens/${toRevoke.id}`, { token })).status).toBe(204);
      const refused = await delegate(svc, app.client_id, toRevoke.refresh_token);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
      expect((await delegate(svc, app.client_id, kept.refresh_token)).status).toBe(200);
      const h = await svc.http.get<{ events: { type: string }[] }>(`/api/v2/refresh-tokens/${toRevoke.id}/history`, { token });
      expect(h.body.events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
    }, 60_000);
  });
}
