import { createClient, issueRefreshToken, managementClientWithScopes, type ManagementErrorBody } from '../../../../../test/support/fixtures';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface UserMatch {
  user_id: string;
  valid_tokens: number;
  last_issued_at: string;
}

describe('management API: finding users by id prefix (GET /api/v2/users?q=)', () => {
  let svc: TokenServiceUnderTest;
  let token: string;
  let tag: string;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite' });
    token = await svc.managementToken();
    const app = await createClient(svc, { app_type: 'native' });
    // A tag unique to this run, so other tests' users never match.
    tag = uniqueId('srch').replace(/[^A-Za-z0-9]/g, '');
    for (const userId of [`auth0|${tag}alice`, `auth0|${tag}alice`, `google-oauth2|${tag}alicia`, `auth0|${tag}bob`, `auth0|${tag}a_b`]) {
      await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId });
    }
    const revoked = await issueRefreshToken(svc, { client_id: app.client_id, user_id: `auth0|${tag}gone` });
    await svc.http.delete(`/api/v2/refresh-tokens/${revoked.id}`, { token });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const search = (query: Record<string, string | number>, auth = token) => svc.http.get<UserMatch[]>('/api/v2/users', { token: auth, query });

  it('finds "auth0|…alice" by the part after the connection, each user once with its valid tokens', async () => {
    const r = await search({ q: `${tag}ali` });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { user_id: `auth0|${tag}alice`, valid_tokens: 2, last_issued_at: expect.any(String) },
      { user_id: `google-oauth2|${tag}alicia`, valid_tokens: 1, last_issued_at: expect.any(String) },
    ]);
  });

  it('finds by the start of the whole id too, and a user whose tokens are all revoked', async () => {
    const r = await search({ q: `auth0|${tag}g` });
    expect(r.body).toEqual([{ user_id: `auth0|${tag}gone`, valid_tokens: 0, last_issued_at: expect.any(String) }]);
  });

  it('takes LIKE wildcards literally: "_" matches only an underscore, "%" nothing', async () => {
    expect((await search({ q: `${tag}a_` })).body.map((u) => u.user_id)).toEqual([`auth0|${tag}a_b`]);
    expect((await search({ q: `${tag}%` })).body).toEqual([]);
    expect((await search({ q: '%' })).body).toEqual([]);
  });

  it('answers at most per_page user ids', async () => {
    const r = await search({ q: tag, per_page: 2 });
    expect(r.body.map((u) => u.user_id)).toEqual([`auth0|${tag}a_b`, `auth0|${tag}alice`]);
  });

  it.each([
    ['no q', {}],
    ['an empty q', { q: '' }],
    ['per_page above 50', { q: 'a', per_page: 51 }],
    ['per_page 0', { q: 'a', per_page: 0 }],
    ['an unknown parameter', { q: 'a', search_engine: 'v3' }],
  ])('refuses %s with 400 invalid_query_string', async (_what, query) => {
    const r = await svc.http.get<ManagementErrorBody>('/api/v2/users', { token, query });
    expect([r.status, r.body.errorCode]).toEqual([400, 'invalid_query_string']);
  });

  it('needs read:refresh_tokens: a client with read:clients only gets 403, no token 401', async () => {
    const limited = await managementClientWithScopes(svc, ['read:clients']);
    expect((await search({ q: tag }, limited.token)).status).toBe(403);
    expect((await svc.http.get('/api/v2/users', { query: { q: tag } })).status).toBe(401);
  });
});
