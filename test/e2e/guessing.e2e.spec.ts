/**
 * Issue 8 item 3, "no unthrottled guessing", played as an attacker over HTTP
 * against a started service. The limits live in the HTTP layer, above the
 * event store, so these run on the SQLite adapter only: the scrypt floods
 * cost real CPU, and the store changes nothing they exercise.
 */
import { createClient, issueRefreshToken, type CreatedClient, type OAuthErrorBody } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../support/token-service';

type OAuthResponse = HttpResponse<OAuthErrorBody & { access_token?: string }>;

/** The service trusts X-Forwarded-For from loopback (the test's own proxy), so each test picks its client IP. */
const TRUST_LOOPBACK = { TRUST_PROXY: 'loopback' };
let ipCounter = 0;
/** A client address of its own for each call site (TEST-NET-3 style, unique within the run). */
const freshIp = (): string => {
  ipCounter += 1;
  return `203.0.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
};

function tokenRequest(svc: TokenServiceUnderTest, form: Record<string, string>, ip: string): Promise<OAuthResponse> {
  return svc.http.post('/oauth/token', { form, headers: { 'x-forwarded-for': ip } });
}

function revokeRequest(svc: TokenServiceUnderTest, form: Record<string, string>, ip: string): Promise<OAuthResponse> {
  return svc.http.post('/oauth/revoke', { form, headers: { 'x-forwarded-for': ip } });
}

function expectTooManyRequests(r: OAuthResponse): void {
  expect(r.status).toBe(429);
  expect(r.body).toEqual({ error: 'too_many_requests', error_description: expect.any(String) });
  const retryAfter = Number(r.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

describe('no unthrottled guessing (sqlite)', () => {
  describe('failed client authentications per (client id, IP), CLIENT_AUTH_FAILURE_LIMIT=10', () => {
    let svc: TokenServiceUnderTest;
    let web: CreatedClient;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { ...TRUST_LOOPBACK } });
      web = await createClient(svc, { app_type: 'regular_web' });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('answers 20 wrong secrets at /oauth/token with 401 ten times, then 429 too_many_requests with Retry-After, even for the right secret', async () => {
      const ip = freshIp();
      const issued = await issueRefreshToken(svc, { client_id: web.client_id });
      const statuses: number[] = [];
      let last: OAuthResponse | undefined;
      for (let i = 0; i < 20; i++) {
        last = await tokenRequest(svc, { grant_type: 'refresh_token', client_id: web.client_id, client_secret: `wrong-${i}`, refresh_token: issued.refresh_token }, ip);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
      expectTooManyRequests(last!);

      // The guesser cannot find out whether a guess is right while blocked...
      const right = await tokenRequest(svc, { grant_type: 'refresh_token', client_id: web.client_id, client_secret: web.client_secret!, refresh_token: issued.refresh_token }, ip);
      expectTooManyRequests(right);
      // ...and the key is (client id, IP): the same client from another address is served.
      const elsewhere = await tokenRequest(
        svc,
        { grant_type: 'refresh_token', client_id: web.client_id, client_secret: web.client_secret!, refresh_token: issued.refresh_token },
        freshIp(),
      );
      expect(elsewhere.status).toBe(200);
    }, 60_000);

    it('refuses the right secret with 429 past the limit even after it was confirmed once (the limiter decides before the verification cache)', async () => {
      const ip = freshIp();
      const issued = await issueRefreshToken(svc, { client_id: web.client_id });
      const right = { grant_type: 'refresh_token', client_id: web.client_id, client_secret: web.client_secret!, refresh_token: issued.refresh_token };
      expect((await tokenRequest(svc, right, ip)).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await tokenRequest(svc, { ...right, client_secret: `wrong-${i}` }, ip)).status);
      expect(statuses).toEqual(Array(10).fill(401));
      // No oracle: the remembered right secret gets the same 429 as a wrong one.
      expectTooManyRequests(await tokenRequest(svc, right, ip));
      expectTooManyRequests(await tokenRequest(svc, { ...right, client_secret: 'wrong-again' }, ip));
    }, 60_000);

    it('limits wrong secrets at /oauth/revoke the same way, and Basic credentials count like posted ones', async () => {
      const ip = freshIp();
      const statuses: number[] = [];
      let last: OAuthResponse | undefined;
      for (let i = 0; i < 12; i++) {
        const basic = `Basic ${Buffer.from(`${web.client_id}:wrong-${i}`).toString('base64')}`;
        last = await svc.http.post('/oauth/revoke', { form: { token: 'rt_whatever' }, headers: { 'x-forwarded-for': ip, authorization: basic } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
      expectTooManyRequests(last!);
      const posted = await revokeRequest(svc, { token: 'rt_whatever', client_id: web.client_id, client_secret: 'wrong-again' }, ip);
      expectTooManyRequests(posted);
    }, 60_000);

    it('limits guesses for an unknown client id too (one budget per presented id and IP)', async () => {
      const ip = freshIp();
      const ghost = uniqueId('ghost');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push((await tokenRequest(svc, { grant_type: 'client_credentials', client_id: ghost, client_secret: `guess-${i}` }, ip)).status);
      }
      expect(statuses).toEqual([...Array(10).fill(401), 429]);
    }, 60_000);

    it('refuses a public client that sends a client_secret with 401 invalid_client, at /oauth/token and /oauth/revoke', async () => {
      const native = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: native.client_id });
      const ip = freshIp();
      const posted = await tokenRequest(
        svc,
        { grant_type: 'refresh_token', client_id: native.client_id, client_secret: 'anything', refresh_token: issued.refresh_token },
        ip,
      );
      expect(posted.status).toBe(401);
      expect(posted.body.error).toBe('invalid_client');
      const basic = await svc.http.post<OAuthErrorBody>('/oauth/token', {
        form: { grant_type: 'refresh_token', refresh_token: issued.refresh_token },
        headers: { 'x-forwarded-for': ip, authorization: `Basic ${Buffer.from(`${native.client_id}:anything`).toString('base64')}` },
      });
      expect(basic.status).toBe(401);
      expect(basic.body.error).toBe('invalid_client');
      expect(basic.headers.get('www-authenticate')).toMatch(/^Basic/);
      const revoke = await revokeRequest(svc, { token: issued.refresh_token, client_id: native.client_id, client_secret: 'anything' }, ip);
      expect(revoke.status).toBe(401);
      expect(revoke.body.error).toBe('invalid_client');
      // Without a secret the public client is served, and its token was not revoked by the refused call.
      const ok = await tokenRequest(svc, { grant_type: 'refresh_token', client_id: native.client_id, refresh_token: issued.refresh_token }, ip);
      expect(ok.status).toBe(200);
    }, 60_000);
  });

  describe('one (IP, user) budget for /delegation and the refresh grant, DELEGATION_RATE_LIMIT=4', () => {
    let svc: TokenServiceUnderTest;
    let native: CreatedClient;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { ...TRUST_LOOPBACK, DELEGATION_RATE_LIMIT: '4' } });
      native = await createClient(svc, { app_type: 'native' });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('counts delegation and refresh_token grants together: the 5th call of either is 429 with Retry-After; another user is unaffected', async () => {
      const issued = await issueRefreshToken(svc, { client_id: native.client_id });
      const neighbour = await issueRefreshToken(svc, { client_id: native.client_id });
      const ip = freshIp();
      const xff = { 'x-forwarded-for': ip };
      const refresh = (refreshToken: string) =>
        tokenRequest(svc, { grant_type: 'refresh_token', client_id: native.client_id, refresh_token: refreshToken }, ip);
      const viaDelegation = (refreshToken: string) =>
        svc.http.post<OAuthErrorBody>('/delegation', {
          json: { client_id: native.client_id, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', refresh_token: refreshToken },
          headers: xff,
        });
      const statuses = [
        (await viaDelegation(issued.refresh_token)).status,
        (await refresh(issued.refresh_token)).status,
        (await viaDelegation(issued.refresh_token)).status,
        (await refresh(issued.refresh_token)).status,
      ];
      expect(statuses).toEqual([200, 200, 200, 200]);
      const fifthRefresh = await refresh(issued.refresh_token);
      expectTooManyRequests(fifthRefresh);
      const fifthDelegation = await viaDelegation(issued.refresh_token);
      expect(fifthDelegation.status).toBe(429);
      expect(fifthDelegation.headers.get('retry-after')).not.toBeNull();

      expect((await refresh(neighbour.refresh_token)).status).toBe(200);
    }, 60_000);

    it('counts guessed refresh tokens at the refresh grant before judging them', async () => {
      const ip = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await tokenRequest(svc, { grant_type: 'refresh_token', client_id: native.client_id, refresh_token: `rt_guess_${i}` }, ip)).status);
      }
      expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    }, 60_000);
  });

  describe('the limiter memory is bounded by evicting the oldest windows, RATE_LIMIT_MAX_KEYS=100', () => {
    let svc: TokenServiceUnderTest;
    let native: CreatedClient;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { ...TRUST_LOOPBACK, DELEGATION_RATE_LIMIT: '2', RATE_LIMIT_MAX_KEYS: '100' } });
      native = await createClient(svc, { app_type: 'native' });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('a flood of new keys evicts only the oldest windows: an exhausted key opened later stays refused', async () => {
      // An unknown refresh token: counted against (IP, '?'), answered 400 while under the limit.
      const guess = (ip: string): Promise<OAuthResponse> =>
        svc.http.post('/delegation', {
          json: { client_id: native.client_id, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', refresh_token: 'rt_flood' },
          headers: { 'x-forwarded-for': ip },
        });
      const floodIps = Array.from({ length: 130 }, (_, i) => `10.0.${Math.floor(i / 200)}.${(i % 200) + 1}`);
      for (const ip of floodIps.slice(0, 60)) await guess(ip);
      const attacker = freshIp();
      const attack = [await guess(attacker), await guess(attacker), await guess(attacker)];
      expect(attack.map((r) => r.status)).toEqual([400, 400, 429]);
      for (const ip of floodIps.slice(60)) await guess(ip);

      // 133 keys met a bound of 100: the 33 oldest flood windows went, nothing else.
      expect((await guess(attacker)).status).toBe(429);
      expect((await guess(floodIps[129]!)).status).toBe(400);
      expect((await guess(floodIps[129]!)).status).toBe(429);
      const oldest = floodIps[0]!;
      expect([(await guess(oldest)).status, (await guess(oldest)).status]).toEqual([400, 400]);
    }, 60_000);
  });

  describe('no unauthenticated work queue (defaults: SCRYPT_CONCURRENCY=2, CLIENT_AUTH_FAILURE_LIMIT=10)', () => {
    let svc: TokenServiceUnderTest;
    let web: CreatedClient;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { ...TRUST_LOOPBACK } });
      web = await createClient(svc, { app_type: 'regular_web' });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('counts unknown client ids per network, an IPv6 /64 as one: 50 fresh ids get 401, the next 429', async () => {
      const prefix = `2001:db8:${(ipCounter += 1).toString(16)}:7`;
      const statuses: number[] = [];
      for (let i = 0; i < 51; i++) {
        const ip = `${prefix}::${(i + 1).toString(16)}`;
        statuses.push((await tokenRequest(svc, { grant_type: 'client_credentials', client_id: uniqueId('ghost'), client_secret: `guess-${i}` }, ip)).status);
      }
      expect(statuses).toEqual([...Array(50).fill(401), 429]);
      // Another /64 has its own budget.
      const elsewhere = await tokenRequest(svc, { grant_type: 'client_credentials', client_id: uniqueId('ghost'), client_secret: 'x' }, '2001:db8:ffff:1::1');
      expect(elsewhere.status).toBe(401);
    }, 60_000);

    it('answers a client that once mistyped, from another address, within 2 s while 400 random client ids flood from one address', async () => {
      const issued = await issueRefreshToken(svc, { client_id: web.client_id });
      const legitIp = freshIp();
      const form = { grant_type: 'refresh_token', client_id: web.client_id, client_secret: web.client_secret!, refresh_token: issued.refresh_token };
      expect((await tokenRequest(svc, { ...form, client_secret: 'mistyped' }, legitIp)).status).toBe(401);

      const floodIp = freshIp();
      const floodStart = Date.now();
      const flood = Array.from({ length: 400 }, (_, i) =>
        tokenRequest(svc, { grant_type: 'client_credentials', client_id: uniqueId('ghost'), client_secret: `guess-${i}` }, floodIp),
      );
      // Let the flood reach the server first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const legitStart = Date.now();
      const legit = await tokenRequest(svc, form, legitIp);
      const legitMs = Date.now() - legitStart;
      const answers = await Promise.all(flood);
      const floodMs = Date.now() - floodStart;

      expect(legit.status).toBe(200);
      expect(legitMs).toBeLessThan(2_000);
      const byStatus = (status: number) => answers.filter((r) => r.status === status);
      expect(byStatus(401).length + byStatus(429).length + byStatus(503).length).toBe(400);
      // Scrypt ran for at most the network's failure budget (5 × 10) and the slots in flight.
      expect(byStatus(401).length).toBeLessThanOrEqual(52);
      for (const busy of byStatus(503)) {
        expect(busy.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
        expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(byStatus(503).length).toBeGreaterThan(0);
      expect(floodMs).toBeLessThan(15_000);
    }, 60_000);
  });

  describe('scrypt work under a flood of wrong secrets, SCRYPT_CONCURRENCY=1', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'sqlite', env: { ...TRUST_LOOPBACK, SCRYPT_CONCURRENCY: '1', CLIENT_AUTH_FAILURE_LIMIT: '1000' } });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it("serves a legitimate client's first authentication ahead of 30 wrong secrets sent for other client ids", async () => {
      const web = await createClient(svc, { app_type: 'regular_web' });
      const issued = await issueRefreshToken(svc, { client_id: web.client_id });
      const finished: string[] = [];
      const flood = Array.from({ length: 30 }, (_, i) =>
        tokenRequest(svc, { grant_type: 'client_credentials', client_id: uniqueId('ghost'), client_secret: `guess-${i}` }, freshIp()).then((r) => {
          finished.push(`flood:${r.status}`);
        }),
      );
      // Let the flood reach the server and queue for scrypt first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const legit = tokenRequest(svc, { grant_type: 'refresh_token', client_id: web.client_id, client_secret: web.client_secret!, refresh_token: issued.refresh_token }, freshIp()).then(
        (r) => {
          finished.push(`legit:${r.status}`);
        },
      );
      await Promise.all([...flood, legit]);
      expect(finished).toHaveLength(31);
      expect(finished.filter((f) => f === 'flood:401')).toHaveLength(30);
      const legitAt = finished.indexOf('legit:200');
      expect(legitAt).toBeGreaterThanOrEqual(0);
      // Without priority it would wait behind every queued guess (~30 scrypt runs).
      expect(legitAt).toBeLessThan(10);
    }, 120_000);

    it('answers an unknown client id and a wrong secret in comparable time (medians of 12, within a factor of 3)', async () => {
      const web = await createClient(svc, { app_type: 'regular_web' });
      const unknown: number[] = [];
      const wrong: number[] = [];
      const timed = async (form: Record<string, string>): Promise<number> => {
        const start = process.hrtime.bigint();
        const r = await tokenRequest(svc, form, freshIp());
        expect(r.status).toBe(401);
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      for (let i = 0; i < 12; i++) {
        unknown.push(await timed({ grant_type: 'client_credentials', client_id: uniqueId('ghost'), client_secret: `guess-${i}` }));
        wrong.push(await timed({ grant_type: 'client_credentials', client_id: web.client_id, client_secret: `guess-${i}` }));
      }
      const ratio = median(unknown) / median(wrong);
      expect(ratio).toBeGreaterThan(1 / 3);
      expect(ratio).toBeLessThan(3);
    }, 120_000);
  });
});
