/**
 * Issue 8 item 4: X-Forwarded-For decides the client IP, and so the
 * rate-limit keys, only as TRUST_PROXY says. Played through /delegation's
 * per-(IP, user) limit with an unknown refresh token (key (IP, '?'), 400
 * while under the limit, 429 past it). Transport only: SQLite adapter only.
 */
import type { OAuthErrorBody } from '../support/fixtures';
import { ConfigError } from '@app/config';
import type { HttpResponse } from '../support/http-client';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../support/token-service';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A guess at /delegation with an unknown refresh token, through a "proxy" that sets X-Forwarded-For. */
function guess(svc: TokenServiceUnderTest, clientId: string, forwardedFor?: string): Promise<HttpResponse<OAuthErrorBody>> {
  return svc.http.post('/delegation', {
    json: { client_id: clientId, grant_type: JWT_BEARER, refresh_token: `rt_${uniqueId('guess')}` },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });
}

async function nativeClient(svc: TokenServiceUnderTest): Promise<string> {
  const r = await svc.http.post<{ client_id: string }>('/api/v2/clients', {
    token: await svc.managementToken(),
    json: { name: uniqueId('app'), app_type: 'native' },
  });
  expect(r.status).toBe(201);
  return r.body.client_id;
}

async function statuses(svc: TokenServiceUnderTest, clientId: string, forwardedFor: (i: number) => string | undefined, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await guess(svc, clientId, forwardedFor(i))).status);
  return out;
}

describe('TRUST_PROXY (sqlite), DELEGATION_RATE_LIMIT=2', () => {
  describe('unset (false, the default)', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { DELEGATION_RATE_LIMIT: '2' } });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('ignores X-Forwarded-For: a client that sends a new address each time still spends one budget', async () => {
      const clientId = await nativeClient(svc);
      expect(await statuses(svc, clientId, (i) => `198.51.100.${i + 1}`, 3)).toEqual([400, 400, 429]);
    });
  });

  describe('a hop count (1)', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { DELEGATION_RATE_LIMIT: '2', TRUST_PROXY: '1' } });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('takes the address the proxy appended: different clients behind the proxy get budgets of their own', async () => {
      const clientId = await nativeClient(svc);
      expect(await statuses(svc, clientId, () => '203.0.113.10', 3)).toEqual([400, 400, 429]);
      expect(await statuses(svc, clientId, () => '203.0.113.11', 1)).toEqual([400]);
    });

    it('ignores what the client wrote before the proxy hop: a forged leading address does not buy a new budget', async () => {
      const clientId = await nativeClient(svc);
      expect(await statuses(svc, clientId, (i) => `192.0.2.${i + 1}, 203.0.113.20`, 3)).toEqual([400, 400, 429]);
    });
  });

  describe('a list of proxy addresses (10.0.0.0/8, so the loopback test client is not a trusted proxy)', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { DELEGATION_RATE_LIMIT: '2', TRUST_PROXY: '10.0.0.0/8' } });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('ignores X-Forwarded-For from a peer outside the list', async () => {
      const clientId = await nativeClient(svc);
      expect(await statuses(svc, clientId, (i) => `198.51.100.${i + 1}`, 3)).toEqual([400, 400, 429]);
    });
  });

  describe('a list naming the proxy (loopback)', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { DELEGATION_RATE_LIMIT: '2', TRUST_PROXY: '127.0.0.1/32,::1' } });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('uses X-Forwarded-For from the listed proxy', async () => {
      const clientId = await nativeClient(svc);
      expect(await statuses(svc, clientId, () => '203.0.113.30', 3)).toEqual([400, 400, 429]);
      expect(await statuses(svc, clientId, () => '203.0.113.31', 1)).toEqual([400]);
    });
  });

  it('refuses to start with TRUST_PROXY=true, saying the client would choose its own IP', async () => {
    const start = startTokenService({ adapter: 'sqlite', env: { TRUST_PROXY: 'true' } });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/choose its own IP and rate-limit key/);
  });
});
