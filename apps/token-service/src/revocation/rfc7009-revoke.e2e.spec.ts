import { createClient, delegate, history, issueRefreshToken, type CreatedClient, type OAuthErrorBody } from '../../../../test/support/fixtures';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../test/support/token-service';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe.each(ADAPTERS)('POST /oauth/revoke (RFC 7009) (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let publicApp: CreatedClient;
  let webApp: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    publicApp = await createClient(svc, { app_type: 'native' });
    webApp = await createClient(svc, { app_type: 'regular_web' });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it.each(['json', 'form'] as const)('revokes with a %s body: 200 with an empty body, the token is refused afterwards', async (kind) => {
    const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id });
    const params = { client_id: publicApp.client_id, token: issued.refresh_token, token_type_hint: 'refresh_token' };
    const r = await svc.http.post('/oauth/revoke', kind === 'json' ? { json: params } : { form: params });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const refused = await delegate(svc, publicApp.client_id, issued.refresh_token);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect((await history(svc, issued.id)).events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
  });

  it('authenticates a confidential client (post and basic)', async () => {
    const a = await issueRefreshToken(svc, { client_id: webApp.client_id });
    const post = await svc.http.post('/oauth/revoke', { form: { client_id: webApp.client_id, client_secret: webApp.client_secret, token: a.refresh_token } });
    expect(post.status).toBe(200);
    expect((await delegate(svc, webApp.client_id, a.refresh_token, { client_secret: webApp.client_secret! })).status).toBe(400);

    const b = await issueRefreshToken(svc, { client_id: webApp.client_id });
    const viaBasic = await svc.http.post('/oauth/revoke', {
      form: { token: b.refresh_token },
      headers: { authorization: basic(webApp.client_id, webApp.client_secret!) },
    });
    expect(viaBasic.status).toBe(200);
    expect((await delegate(svc, webApp.client_id, b.refresh_token, { client_secret: webApp.client_secret! })).status).toBe(400);
  });

  it('answers 200 for an unknown token (§2.2)', async () => {
    const r = await svc.http.post('/oauth/revoke', { json: { client_id: publicApp.client_id, token: 'no-such-token' } });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
  });

  it('answers 200 again for an already revoked token and appends nothing', async () => {
    const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id });
    for (let i = 0; i < 2; i++) {
      expect((await svc.http.post('/oauth/revoke', { json: { client_id: publicApp.client_id, token: issued.refresh_token } })).status).toBe(200);
    }
    expect((await history(svc, issued.id)).events).toHaveLength(2);
  });

  it('answers 200 for the token of another client and does NOT revoke it', async () => {
    const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
    const r = await svc.http.post('/oauth/revoke', { json: { client_id: publicApp.client_id, token: issued.refresh_token } });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect((await delegate(svc, webApp.client_id, issued.refresh_token, { client_secret: webApp.client_secret! })).status).toBe(200);
    expect((await history(svc, issued.id)).events).toHaveLength(1);
  });

  it('refuses a missing token with 400 invalid_request', async () => {
    const r = await svc.http.post<OAuthErrorBody>('/oauth/revoke', { json: { client_id: publicApp.client_id } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it.each([
    ['a wrong secret', (c: CreatedClient) => ({ client_id: c.client_id, client_secret: 'wrong' })],
    ['no secret for a confidential client', (c: CreatedClient) => ({ client_id: c.client_id })],
    ['an unknown client', () => ({ client_id: uniqueId('nope') })],
  ])('refuses %s with 401 invalid_client, whatever the token', async (_what, credentials) => {
    const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
    const r = await svc.http.post<OAuthErrorBody>('/oauth/revoke', { form: { ...credentials(webApp), token: issued.refresh_token } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    // Not revoked.
    expect((await delegate(svc, webApp.client_id, issued.refresh_token, { client_secret: webApp.client_secret! })).status).toBe(200);
  });

  it('refuses bad Basic credentials with 401 invalid_client and WWW-Authenticate', async () => {
    const r = await svc.http.post<OAuthErrorBody>('/oauth/revoke', {
      form: { token: 'whatever' },
      headers: { authorization: basic(webApp.client_id, 'wrong') },
    });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});
