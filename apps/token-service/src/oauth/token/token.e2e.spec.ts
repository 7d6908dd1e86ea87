import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { createClient, delegate, issueRefreshToken, type CreatedClient, type OAuthErrorBody } from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface TokenBody {
  id_token: string;
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}
type TokenResponse = HttpResponse<TokenBody & OAuthErrorBody>;

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function expectOAuthError(r: TokenResponse, status: number, error: string, description?: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error, error_description: description ?? expect.any(String) });
  expect(r.headers.get('cache-control')).toBe('no-store');
}

describe.each(ADAPTERS)('POST /oauth/token (%s)', (adapter) => {
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

  const token = (form: Record<string, string | string[] | undefined>, headers?: Record<string, string>): Promise<TokenResponse> =>
    svc.http.post('/oauth/token', { form, headers });

  describe('grant_type=refresh_token', () => {
    it('serves a public client without a secret: {id_token, access_token, token_type, expires_in, scope}, no-store', async () => {
      const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id, scope: 'openid profile offline_access' });
      const r = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: issued.refresh_token });
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('pragma')).toBe('no-cache');
      expect(Object.keys(r.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
      expect(r.body.token_type).toBe('Bearer');
      expect(r.body.expires_in).toBeGreaterThan(0);
      expect(r.body.scope.split(' ').sort()).toEqual(['offline_access', 'openid', 'profile']);
      const jwks = createLocalJWKSet((await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body);
      const { payload } = await jwtVerify(r.body.id_token, jwks, { issuer: svc.issuer, audience: publicApp.client_id });
      expect(payload).toMatchObject({ sub: issued.user_id, sid: issued.id, azp: publicApp.client_id });
    });

    it('accepts a JSON body too', async () => {
      const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id });
      const r = await svc.http.post<TokenBody>('/oauth/token', {
        json: { grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: issued.refresh_token },
      });
      expect(r.status).toBe(200);
      expect(r.body.id_token).toEqual(expect.any(String));
    });

    it('serves a confidential client with client_secret_post', async () => {
      const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
      const r = await token({
        grant_type: 'refresh_token',
        client_id: webApp.client_id,
        client_secret: webApp.client_secret,
        refresh_token: issued.refresh_token,
      });
      expect(r.status).toBe(200);
    });

    it('serves a confidential client with client_secret_basic', async () => {
      const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
      const r = await token(
        { grant_type: 'refresh_token', refresh_token: issued.refresh_token },
        { authorization: basic(webApp.client_id, webApp.client_secret!) },
      );
      expect(r.status).toBe(200);
    });

    it('refuses a wrong secret with 401 invalid_client (post)', async () => {
      const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
      const r = await token({ grant_type: 'refresh_token', client_id: webApp.client_id, client_secret: 'wrong', refresh_token: issued.refresh_token });
      expectOAuthError(r, 401, 'invalid_client');
    });

    it('refuses a wrong secret with 401 invalid_client and WWW-Authenticate (basic, RFC 6749 §5.2)', async () => {
      const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
      const r = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }, { authorization: basic(webApp.client_id, 'wrong') });
      expectOAuthError(r, 401, 'invalid_client');
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
    });

    it('refuses a confidential client without its secret with 401 invalid_client', async () => {
      const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
      const r = await token({ grant_type: 'refresh_token', client_id: webApp.client_id, refresh_token: issued.refresh_token });
      expectOAuthError(r, 401, 'invalid_client');
    });

    it('refuses an unknown client with 401 invalid_client', async () => {
      const r = await token({ grant_type: 'refresh_token', client_id: uniqueId('nope'), refresh_token: 'x' });
      expectOAuthError(r, 401, 'invalid_client');
    });

    it("sends the per-user budget's X-RateLimit headers on the refresh grant's 200 and on its refusal, as /delegation does", async () => {
      const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id });
      const ok = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: issued.refresh_token });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('10');
      expect(Number(ok.headers.get('x-ratelimit-remaining'))).toBeLessThan(10);
      const wide = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: issued.refresh_token, scope: 'openid admin' });
      expect(wide.status).toBe(400);
      expect(wide.headers.get('x-ratelimit-limit')).toBe('10');
      // The public description is generic: the requested scope is not echoed back.
      expect(wide.body.error_description).not.toContain('admin');
    });

    it('narrows the scope on request (RFC 6749 §6) and refuses a wider one with 400 invalid_scope', async () => {
      const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id, scope: 'openid profile offline_access' });
      const narrow = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: issued.refresh_token, scope: 'openid' });
      expect(narrow.status).toBe(200);
      expect(narrow.body.scope).toBe('openid');
      const wide = await token({
        grant_type: 'refresh_token',
        client_id: publicApp.client_id,
        refresh_token: issued.refresh_token,
        scope: 'openid email',
      });
      expectOAuthError(wide, 400, 'invalid_scope');
    });

    it('refuses a revoked token with 400 invalid_grant "Unknown or invalid refresh token."', async () => {
      const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id });
      await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token: await svc.managementToken() });
      const r = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: issued.refresh_token });
      expectOAuthError(r, 400, 'invalid_grant', 'Unknown or invalid refresh token.');
    });

    it('refuses an unknown token with 400 invalid_grant "Unknown or invalid refresh token."', async () => {
      const r = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: 'definitely-not-a-token' });
      expectOAuthError(r, 400, 'invalid_grant', 'Unknown or invalid refresh token.');
    });

    it('refuses the token of another client with 400 invalid_grant', async () => {
      const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
      const r = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: issued.refresh_token });
      expectOAuthError(r, 400, 'invalid_grant', 'Unknown or invalid refresh token.');
      // And the token still works for its own client.
      expect((await delegate(svc, webApp.client_id, issued.refresh_token, { client_secret: webApp.client_secret! })).status).toBe(200);
    });

    it('refuses a missing refresh_token with 400 invalid_request', async () => {
      const r = await token({ grant_type: 'refresh_token', client_id: publicApp.client_id });
      expectOAuthError(r, 400, 'invalid_request');
    });
  });

  describe('request errors', () => {
    it('refuses an unsupported grant_type with 400 unsupported_grant_type', async () => {
      const r = await token({ grant_type: 'password', client_id: publicApp.client_id, username: 'a', password: 'b' } as Record<string, string>);
      expectOAuthError(r, 400, 'unsupported_grant_type');
    });

    it('refuses a missing grant_type with 400 invalid_request', async () => {
      const r = await token({ client_id: publicApp.client_id });
      expectOAuthError(r, 400, 'invalid_request');
    });

    it('refuses a repeated form parameter with 400 invalid_request (RFC 6749 §3.1)', async () => {
      const issued = await issueRefreshToken(svc, { client_id: publicApp.client_id });
      const r = await token({
        grant_type: 'refresh_token',
        client_id: publicApp.client_id,
        refresh_token: [issued.refresh_token, issued.refresh_token],
      });
      expectOAuthError(r, 400, 'invalid_request');
    });

    it('refuses Basic and client_secret together with 400 invalid_request (RFC 6749 §2.3)', async () => {
      const issued = await issueRefreshToken(svc, { client_id: webApp.client_id });
      const r = await token(
        { grant_type: 'refresh_token', refresh_token: issued.refresh_token, client_secret: webApp.client_secret },
        { authorization: basic(webApp.client_id, webApp.client_secret!) },
      );
      expectOAuthError(r, 400, 'invalid_request');
    });
  });
});
