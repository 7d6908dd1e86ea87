import { createClient, type ManagementErrorBody, type OAuthErrorBody } from '../../../../../test/support/fixtures';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface Grant {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
}

describe.each(ADAPTERS)('management API: client grants (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
  });
  afterAll(async () => {
    await svc?.close();
  });

  const clientCredentials = (clientId: string, secret: string, extra: Record<string, string> = {}) =>
    svc.http.post<{ access_token: string; token_type: string; expires_in: number; scope: string } & OAuthErrorBody>('/oauth/token', {
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, audience: svc.managementAudience, ...extra },
    });

  it('creates, lists and deletes a grant; client_credentials follows it', async () => {
    const client = await createClient(svc, { app_type: 'non_interactive' });
    const secret = client.client_secret!;

    // No grant yet: Auth0 answers access_denied.
    const before = await clientCredentials(client.client_id, secret);
    expect(before.status).toBe(403);
    expect(before.body.error).toBe('access_denied');

    const created = await svc.http.post<Grant>('/api/v2/client-grants', {
      token,
      json: { client_id: client.client_id, audience: svc.managementAudience, scope: ['read:clients', 'read:refresh_tokens'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      client_id: client.client_id,
      audience: svc.managementAudience,
      scope: ['read:clients', 'read:refresh_tokens'],
    });

    const listed = await svc.http.get<Grant[]>('/api/v2/client-grants', { token, query: { client_id: client.client_id } });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([created.body]);
    const all = await svc.http.get<Grant[]>('/api/v2/client-grants', { token });
    expect(all.body.map((g) => g.id)).toContain(created.body.id);

    const granted = await clientCredentials(client.client_id, secret);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    expect(granted.body.scope.split(' ').sort()).toEqual(['read:clients', 'read:refresh_tokens']);
    expect(granted.headers.get('cache-control')).toBe('no-store');

    const narrowed = await clientCredentials(client.client_id, secret, { scope: 'read:clients' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('read:clients');

    const wider = await clientCredentials(client.client_id, secret, { scope: 'read:clients delete:clients' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');

    const deleted = await svc.http.delete(`/api/v2/client-grants/${created.body.id}`, { token });
    expect(deleted.status).toBe(204);
    const after = await clientCredentials(client.client_id, secret);
    expect(after.status).toBe(403);
    expect(after.body.error).toBe('access_denied');

    const again = await svc.http.delete<ManagementErrorBody>(`/api/v2/client-grants/${created.body.id}`, { token });
    expect(again.status).toBe(404);
    expect(again.body.statusCode).toBe(404);
  });

  it('refuses client_credentials for another audience', async () => {
    const client = await createClient(svc, { app_type: 'non_interactive' });
    await svc.http.post('/api/v2/client-grants', {
      token,
      json: { client_id: client.client_id, audience: svc.managementAudience, scope: ['read:clients'] },
    });
    const r = await clientCredentials(client.client_id, client.client_secret!, { audience: 'https://other.example/api/' });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('access_denied');
  });

  it('refuses client_credentials with a wrong secret with 401 invalid_client', async () => {
    const client = await createClient(svc, { app_type: 'non_interactive' });
    const r = await clientCredentials(client.client_id, 'wrong-secret');
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
  });

  it.each([
    ['another audience', (clientId: string, audience: string) => ({ client_id: clientId, audience: `${audience}x/`, scope: ['read:clients'] })],
    ['an unknown scope', (clientId: string, audience: string) => ({ client_id: clientId, audience, scope: ['read:everything'] })],
    ['a scope that is not an array', (clientId: string, audience: string) => ({ client_id: clientId, audience, scope: 'read:clients' })],
    ['an unknown field', (clientId: string, audience: string) => ({ client_id: clientId, audience, scope: [], extra: 1 })],
  ])('refuses a grant with %s with 400', async (_what, build) => {
    const client = await createClient(svc, { app_type: 'non_interactive' });
    const r = await svc.http.post<ManagementErrorBody>('/api/v2/client-grants', { token, json: build(client.client_id, svc.managementAudience) });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String), errorCode: expect.any(String) });
  });

  it('refuses a grant for an unknown client with 404', async () => {
    const r = await svc.http.post<ManagementErrorBody>('/api/v2/client-grants', {
      token,
      json: { client_id: uniqueId('nope'), audience: svc.managementAudience, scope: ['read:clients'] },
    });
    expect(r.status).toBe(404);
    expect(r.body.statusCode).toBe(404);
  });
});
