import { base64url } from 'jose';
import { FixedClock } from '@app/shared';
import { KeyStore, mintAccessToken } from '@app/signing';
import {
  clientCredentialsToken,
  createClient,
  issueRefreshToken,
  managementClientWithScopes,
  type ManagementErrorBody,
} from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

/** product.md: "No token → 401; wrong audience, issuer, signature, alg: none, expired → 401". */
function expectUnauthorized(r: HttpResponse<ManagementErrorBody>, errorCode?: string): void {
  expect(r.status).toBe(401);
  expect(r.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), errorCode: errorCode ?? expect.any(String) });
  expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
}

describe.each(ADAPTERS)('management API authentication (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  const listClients = (token?: string, headers?: Record<string, string>) =>
    svc.http.get<ManagementErrorBody>('/api/v2/clients', { token, headers });

  beforeAll(async () => {
    svc = await startTokenService({ adapter });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('accepts the bootstrap client token (every scope)', async () => {
    const r = await listClients(await svc.managementToken());
    expect(r.status).toBe(200);
  });

  it('refuses a request without a token with 401', async () => {
    expectUnauthorized(await listClients());
  });

  it('refuses a malformed bearer token with 401', async () => {
    expectUnauthorized(await listClients('not-a-jwt'));
    expectUnauthorized(await listClients(undefined, { authorization: 'Basic Zm9vOmJhcg==' }));
    expectUnauthorized(await listClients(undefined, { authorization: 'Bearer' }));
  });

  it('refuses a token with a tampered signature with 401', async () => {
    const token = await svc.managementToken();
    const [h, p, s] = token.split('.');
    const flipped = `${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expectUnauthorized(await listClients(`${h}.${p}.${flipped}`));
  });

  it('refuses a token with tampered claims (signature no longer matches) with 401', async () => {
    const token = await svc.managementToken();
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<string, unknown>;
    const forged = base64url.encode(JSON.stringify({ ...claims, scope: `${String(claims.scope)} admin:everything` }));
    expectUnauthorized(await listClients(`${h}.${forged}.${s}`));
  });

  it('refuses a user access token of the refresh grant (wrong audience) with 401', async () => {
    const client = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: client.client_id });
    const grant = await svc.http.post<{ access_token: string }>('/oauth/token', {
      form: { grant_type: 'refresh_token', client_id: client.client_id, refresh_token: issued.refresh_token },
    });
    expect(grant.status).toBe(200);
    expectUnauthorized(await listClients(grant.body.access_token));
  });

  it('refuses an id_token with 401', async () => {
    const client = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: client.client_id });
    const grant = await svc.http.post<{ id_token: string }>('/oauth/token', {
      form: { grant_type: 'refresh_token', client_id: client.client_id, refresh_token: issued.refresh_token },
    });
    expectUnauthorized(await listClients(grant.body.id_token));
  });

  it('refuses a token signed by our key for another issuer with 401', async () => {
    const { accessToken } = await mintAccessToken({
      keyStore: svc.service.get(KeyStore),
      issuer: 'http://evil.example/',
      audience: svc.managementAudience,
      clientId: svc.managementClientId,
      scope: ['read:clients'],
      clock: { now: () => new Date() },
    });
    expectUnauthorized(await listClients(accessToken));
  });

  it('refuses an expired token signed by our key with 401 token_expired', async () => {
    const { accessToken } = await mintAccessToken({
      keyStore: svc.service.get(KeyStore),
      issuer: svc.issuer,
      audience: svc.managementAudience,
      clientId: svc.managementClientId,
      scope: ['read:clients'],
      lifetimeInSeconds: 60,
      clock: new FixedClock(new Date(Date.now() - 3_600_000)),
    });
    expectUnauthorized(await listClients(accessToken), 'token_expired');
  });

  it('refuses an unsigned token (alg none) with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
    const payload = base64url.encode(
      JSON.stringify({
        iss: svc.issuer,
        sub: `${svc.managementClientId}@clients`,
        aud: svc.managementAudience,
        iat: now,
        exp: now + 3600,
        scope: 'read:clients',
        client_id: svc.managementClientId,
        azp: svc.managementClientId,
      }),
    );
    expectUnauthorized(await listClients(`${header}.${payload}.`));
  });

  it('refuses a token without the route scope with 403 insufficient_scope', async () => {
    const { token } = await managementClientWithScopes(svc, ['read:clients']);
    expect((await listClients(token)).status).toBe(200);
    const r = await svc.http.post<ManagementErrorBody>('/api/v2/clients', { token, json: { name: 'x', app_type: 'native' } });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String), errorCode: 'insufficient_scope' });
    const d = await svc.http.get<ManagementErrorBody>('/api/v2/device-credentials', { token });
    expect(d.status).toBe(403);
    expect(d.body.errorCode).toBe('insufficient_scope');
  });

  it('refuses the token of a client deleted since it was minted with 401', async () => {
    const { client, token } = await managementClientWithScopes(svc, ['read:clients']);
    expect((await listClients(token)).status).toBe(200);
    const del = await svc.http.delete(`/api/v2/clients/${client.client_id}`, { token: await svc.managementToken() });
    expect(del.status).toBe(204);
    expectUnauthorized(await listClients(token));
  });

  it('narrows a client_credentials token to a requested subset of the granted scopes', async () => {
    const { client } = await managementClientWithScopes(svc, ['read:clients', 'create:clients']);
    const token = await clientCredentialsToken(svc, client.client_id, client.client_secret!, 'read:clients');
    expect((await listClients(token)).status).toBe(200);
    const r = await svc.http.post<ManagementErrorBody>('/api/v2/clients', { token, json: { name: 'x', app_type: 'native' } });
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('insufficient_scope');
  });
});
