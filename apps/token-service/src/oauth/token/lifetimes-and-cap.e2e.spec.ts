/**
 * Refresh-token lifetimes and the per-(user, client) cap, end to end on both
 * event stores (EventStoreDB through its test double). The harness has no
 * clock to move, so lifetimes are the policy's shortest (1 s) and the suite
 * waits them out.
 */
import { delegate, history, issueRefreshToken, type IssuedRefreshToken } from '../../../../../test/support/fixtures';
import { clientWithPolicy, familyEvents, refreshGrant, rotationEnv, UNKNOWN } from '../../../../../test/support/rotation';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ADAPTERS)('refresh-token lifetimes and the cap (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;

  beforeAll(async () => {
    svc = await startTokenService({ adapter, env: rotationEnv() });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('refuses a token idle longer than its idle lifetime, at /oauth/token and /delegation, with the contract\'s description', async () => {
    const app = await clientWithPolicy(svc, { rotation_type: 'non-rotating', expiration_type: 'expiring', token_lifetime: 3_600, idle_token_lifetime: 1 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    expect((await refreshGrant(svc, app.client_id, issued.refresh_token)).status).toBe(200);

    await sleep(1_100);
    const refused = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(UNKNOWN);
    const atDelegation = await delegate(svc, app.client_id, issued.refresh_token);
    expect(atDelegation.status).toBe(400);
    expect(atDelegation.body).toEqual(UNKNOWN);
    // Computed at read time: no expiry event, and the refusal wrote nothing.
    expect((await familyEvents(svc, issued.id)).map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenExchanged']);
  });

  it('refuses a token past its absolute lifetime however recently it was used (an exchange never extends it)', async () => {
    const app = await clientWithPolicy(svc, {
      rotation_type: 'rotating',
      expiration_type: 'expiring',
      leeway: 0,
      token_lifetime: 2,
      infinite_idle_token_lifetime: true,
    });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    await sleep(1_000);
    const rotated = await refreshGrant(svc, app.client_id, issued.refresh_token);
    expect(rotated.status).toBe(200);

    await sleep(1_100);
    const refused = await refreshGrant(svc, app.client_id, rotated.body.refresh_token!);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(UNKNOWN);
  });

  it('turning expiry off again does not revive a token exchanged under it; one never exchanged follows the new policy', async () => {
    const app = await clientWithPolicy(svc, { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 3_600, idle_token_lifetime: 1 });
    const exchanged = await issueRefreshToken(svc, { client_id: app.client_id });
    const untouched = await issueRefreshToken(svc, { client_id: app.client_id });
    const rotated = await refreshGrant(svc, app.client_id, exchanged.refresh_token);
    expect(rotated.status).toBe(200);

    const patched = await svc.http.request('PATCH', `/api/v2/clients/${app.client_id}`, {
      token: await svc.managementToken(),
      json: { refresh_token: { expiration_type: 'non-expiring' } },
    });
    expect(patched.status).toBe(200);
    await sleep(1_100);

    const refused = await refreshGrant(svc, app.client_id, rotated.body.refresh_token!);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(UNKNOWN);
    expect((await refreshGrant(svc, app.client_id, untouched.refresh_token)).status).toBe(200);
  });

  it('records the use of an idle-expiring token at most once per interval (min(60 s, idle / 10))', async () => {
    const app = await clientWithPolicy(svc, { rotation_type: 'non-rotating', expiration_type: 'expiring', token_lifetime: 86_400, idle_token_lifetime: 3_600 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });

    for (let i = 0; i < 3; i++) {
      const r = await refreshGrant(svc, app.client_id, issued.refresh_token);
      expect(r.status).toBe(200);
      expect(r.body.refresh_token).toBeUndefined();
      expect((await delegate(svc, app.client_id, issued.refresh_token)).status).toBe(200);
    }
    expect((await familyEvents(svc, issued.id)).map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenExchanged']);
  });

  it('GET /api/v2/refresh-tokens/{id} and the user\'s list show the lifetimes, the last exchange, rotating and the generation', async () => {
    const app = await clientWithPolicy(svc, { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 86_400, idle_token_lifetime: 3_600 });
    const legacy = await clientWithPolicy(svc, { rotation_type: 'non-rotating', expiration_type: 'non-expiring' });
    const userId = uniqueId('auth0|shown');
    const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId });
    const plain = await issueRefreshToken(svc, { client_id: legacy.client_id, user_id: userId });
    const show = async (id: string) => (await svc.http.get<Record<string, unknown>>(`/api/v2/refresh-tokens/${id}`, { token: await svc.managementToken() })).body;
    const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

    expect(await show(issued.id)).toMatchObject({
      expires_at: plus(issued.created_at, 86_400),
      idle_expires_at: plus(issued.created_at, 3_600),
      last_exchanged_at: null,
      rotating: true,
      generation: 0,
    });
    expect((await refreshGrant(svc, app.client_id, issued.refresh_token)).status).toBe(200);
    const rotated = await show(issued.id);
    expect(rotated).toMatchObject({ expires_at: plus(issued.created_at, 86_400), rotating: true, generation: 1 });
    expect(rotated.idle_expires_at).toBe(plus(rotated.last_exchanged_at as string, 3_600));
    expect(await show(plain.id)).toMatchObject({ expires_at: null, idle_expires_at: null, last_exchanged_at: null, rotating: false, generation: 0 });

    const listed = await svc.http.get<{ tokens: Array<Record<string, unknown>> }>(`/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`, {
      token: await svc.managementToken(),
    });
    expect(listed.body.tokens.map((t) => [t.id, t.generation, t.rotating])).toEqual([
      [issued.id, 1, true],
      [plain.id, 0, false],
    ]);
  });

  it('issuing the 201st valid token of a (user, client) evicts the oldest, reason evicted, by system; other clients are not counted', async () => {
    const app = await clientWithPolicy(svc, { rotation_type: 'non-rotating', expiration_type: 'non-expiring' });
    const other = await clientWithPolicy(svc, { rotation_type: 'non-rotating', expiration_type: 'non-expiring' });
    const userId = uniqueId('auth0|capped');
    const otherToken = await issueRefreshToken(svc, { client_id: other.client_id, user_id: userId });
    const tokens: IssuedRefreshToken[] = [await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId })];
    // 199 more, a few at a time (never past the cap, so their order does not matter).
    for (let i = 0; i < 199; i += 20) {
      const batch = Array.from({ length: Math.min(20, 199 - i) }, () => issueRefreshToken(svc, { client_id: app.client_id, user_id: userId }));
      tokens.push(...(await Promise.all(batch)));
    }
    expect(await validCount(svc, userId, app.client_id)).toBe(200);
    expect((await delegate(svc, app.client_id, tokens[0].refresh_token)).status).toBe(200);

    const newest = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId });

    expect(await validCount(svc, userId, app.client_id)).toBe(200);
    const evicted = await delegate(svc, app.client_id, tokens[0].refresh_token);
    expect(evicted.status).toBe(400);
    expect(evicted.body).toMatchObject({ error: 'invalid_grant' });
    const revocation = (await history(svc, tokens[0].id)).events.find((e) => e.type === 'RefreshTokenRevoked');
    expect(revocation).toMatchObject({ actor: 'system', reason: 'evicted', data: { reason: 'evicted', revoked_by: 'system' } });
    for (const kept of [tokens[1], newest, otherToken]) {
      const client = kept === otherToken ? other : app;
      expect((await delegate(svc, client.client_id, kept.refresh_token)).status).toBe(200);
    }
  });
});

async function validCount(svc: TokenServiceUnderTest, userId: string, clientId: string): Promise<number> {
  const r = await svc.http.get<{ total: number }>('/api/v2/device-credentials', {
    token: await svc.managementToken(),
    query: { user_id: userId, client_id: clientId, include_totals: 'true', per_page: '1', type: 'refresh_token' },
  });
  expect(r.status).toBe(200);
  return r.body.total;
}
