import { createClient, delegate, history, issueRefreshToken, type CreatedClient, type ManagementErrorBody } from '../../../../../test/support/fixtures';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface TokenPage {
  tokens: { id: string; user_id: string; client_id: string; device: { device_id: string | null; device_name: string } }[];
  next?: string;
}

describe.each(ADAPTERS)('management API: a user\'s refresh tokens (%s)', (adapter) => {
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

  const path = (userId: string) => `/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`;

  describe('GET /api/v2/users/{id}/refresh-tokens', () => {
    it('walks every valid token exactly once with the from/take cursor', async () => {
      const userId = uniqueId('user|auth0');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId, device_name: `d${i}` })).id);
      await issueRefreshToken(svc, { client_id: appA.client_id, user_id: uniqueId('other') });

      const seen: string[] = [];
      let from: string | undefined;
      for (let round = 0; round < 10; round++) {
        const r = await svc.http.get<TokenPage>(path(userId), { token, query: { take: 2, from } });
        expect(r.status).toBe(200);
        expect(r.body.tokens.length).toBeLessThanOrEqual(2);
        for (const t of r.body.tokens) expect(t.user_id).toBe(userId);
        seen.push(...r.body.tokens.map((t) => t.id));
        from = r.body.next;
        if (!from) break;
      }
      expect(seen.sort()).toEqual([...ids].sort());
    });

    it('answers an empty list for a user without tokens', async () => {
      const r = await svc.http.get<TokenPage>(path(uniqueId('nobody')), { token });
      expect(r.status).toBe(200);
      expect(r.body.tokens).toEqual([]);
      expect(r.body.next).toBeUndefined();
    });

    it.each([
      ['take 0', { take: 0 }],
      ['a non-numeric take', { take: 'many' }],
      ['an unknown parameter', { sort: 'id:1' }],
      ['offset paging mixed with checkpoint paging', { page: 1, take: 2 }],
    ])('refuses %s with 400', async (_what, query) => {
      const r = await svc.http.get<ManagementErrorBody>(path(uniqueId('user')), { token, query });
      expect(r.status).toBe(400);
      expect(r.body.statusCode).toBe(400);
    });

    it('refuses a forged cursor with 400, never 5xx', async () => {
      const r = await svc.http.get<ManagementErrorBody>(path(uniqueId('user')), { token, query: { from: 'not-a-cursor!!' } });
      expect(r.status).toBe(400);
      expect(r.body.statusCode).toBe(400);
    });
  });

  describe('DELETE /api/v2/users/{id}/refresh-tokens', () => {
    async function seed() {
      const userId = uniqueId('user');
      const aPhone = await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId, device_id: 'phone' });
      const aLaptop = await issueRefreshToken(svc, { client_id: appA.client_id, user_id: userId, device_id: 'laptop' });
      const bPhone = await issueRefreshToken(svc, { client_id: appB.client_id, user_id: userId, device_id: 'phone' });
      const otherUser = await issueRefreshToken(svc, { client_id: appA.client_id, user_id: uniqueId('other'), device_id: 'phone' });
      return { userId, aPhone, aLaptop, bPhone, otherUser };
    }
    const works = async (clientId: string, refreshToken: string) => (await delegate(svc, clientId, refreshToken)).status === 200;

    it("revokes all of the user's tokens and no one else's", async () => {
      const s = await seed();
      const r = await svc.http.delete(path(s.userId), { token });
      expect(r.status).toBe(204);
      expect(await works(appA.client_id, s.aPhone.refresh_token)).toBe(false);
      expect(await works(appA.client_id, s.aLaptop.refresh_token)).toBe(false);
      expect(await works(appB.client_id, s.bPhone.refresh_token)).toBe(false);
      expect(await works(appA.client_id, s.otherUser.refresh_token)).toBe(true);
      expect((await svc.http.get<TokenPage>(path(s.userId), { token })).body.tokens).toEqual([]);
    });

    it('revokes only the tokens of one client with client_id', async () => {
      const s = await seed();
      expect((await svc.http.delete(path(s.userId), { token, query: { client_id: appA.client_id } })).status).toBe(204);
      expect(await works(appA.client_id, s.aPhone.refresh_token)).toBe(false);
      expect(await works(appA.client_id, s.aLaptop.refresh_token)).toBe(false);
      expect(await works(appB.client_id, s.bPhone.refresh_token)).toBe(true);
      expect(await works(appA.client_id, s.otherUser.refresh_token)).toBe(true);
    });

    it('revokes only the tokens of one device with device_id', async () => {
      const s = await seed();
      expect((await svc.http.delete(path(s.userId), { token, query: { device_id: 'phone' } })).status).toBe(204);
      expect(await works(appA.client_id, s.aPhone.refresh_token)).toBe(false);
      expect(await works(appB.client_id, s.bPhone.refresh_token)).toBe(false);
      expect(await works(appA.client_id, s.aLaptop.refresh_token)).toBe(true);
      expect(await works(appA.client_id, s.otherUser.refresh_token)).toBe(true);
    });

    it('revokes exactly the one (client, device) with both filters, with the reason given', async () => {
      const s = await seed();
      const r = await svc.http.delete(path(s.userId), { token, query: { client_id: appB.client_id, device_id: 'phone', reason: 'phone stolen' } });
      expect(r.status).toBe(204);
      expect(await works(appB.client_id, s.bPhone.refresh_token)).toBe(false);
      expect(await works(appA.client_id, s.aPhone.refresh_token)).toBe(true);
      expect(await works(appA.client_id, s.aLaptop.refresh_token)).toBe(true);
      const events = (await history(svc, s.bPhone.id)).events;
      expect(events[1]).toMatchObject({ type: 'RefreshTokenRevoked', actor: svc.managementClientId, reason: 'phone stolen' });
    });

    it('is idempotent: a second bulk revoke answers 204 and appends nothing', async () => {
      const s = await seed();
      expect((await svc.http.delete(path(s.userId), { token })).status).toBe(204);
      expect((await svc.http.delete(path(s.userId), { token })).status).toBe(204);
      expect((await history(svc, s.aPhone.id)).events).toHaveLength(2);
    });

    it('answers 204 for a user without tokens', async () => {
      expect((await svc.http.delete(path(uniqueId('nobody')), { token })).status).toBe(204);
    });
  });
});
