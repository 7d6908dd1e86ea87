import { FixedClock } from '@app/shared';
import { KeyStore, mintIdToken } from '@app/signing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import {
  createClient,
  delegate,
  issueRefreshToken,
  JWT_BEARER,
  type CreatedClient,
  type DelegationBody,
  type OAuthErrorBody,
} from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

type DelegationResponse = HttpResponse<DelegationBody & OAuthErrorBody>;

function expectOAuthError(r: DelegationResponse, status: number, error: string, description?: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error, error_description: description ?? expect.any(String) });
}

/** Waits (at most `margin` ms; give the test a longer timeout) until at least `margin` ms remain in the current fixed one-minute window (the limiter's windows are epoch-aligned). */
async function awayFromMinuteBoundary(margin = 8_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe.each(ADAPTERS)('POST /delegation (%s)', (adapter) => {
  describe('with a generous rate limit', () => {
    let svc: TokenServiceUnderTest;
    let app: CreatedClient;
    let jwks: ReturnType<typeof createLocalJWKSet>;
    beforeAll(async () => {
      // The limit keys on (IP, user): unknown tokens share one key, so a high limit keeps tests independent here.
      svc = await startTokenService({ adapter, env: { DELEGATION_RATE_LIMIT: '100000' } });
      app = await createClient(svc, { app_type: 'native' });
      jwks = createLocalJWKSet((await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body);
    });
    afterAll(async () => {
      await svc?.close();
    });

    describe('success', () => {
      it('answers {token_type, expires_in, id_token} for a JSON body, with no-store', async () => {
        const issued = await issueRefreshToken(svc, { client_id: app.client_id });
        const r = await delegate(svc, app.client_id, issued.refresh_token, { scope: 'openid', api_type: 'app' });
        expect(r.status).toBe(200);
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect(r.headers.get('cache-control')).toBe('no-store');
        expect(Object.keys(r.body).sort()).toEqual(['expires_in', 'id_token', 'token_type']);
        expect(r.body.token_type).toBe('Bearer');
        const { payload } = await jwtVerify(r.body.id_token, jwks, { issuer: svc.issuer, audience: app.client_id });
        expect(r.body.expires_in).toBe(payload.exp! - payload.iat!);
        expect(payload).toMatchObject({ sub: issued.user_id, sid: issued.id, azp: app.client_id });
      });

      it('accepts a form body', async () => {
        const issued = await issueRefreshToken(svc, { client_id: app.client_id });
        const r = await svc.http.post<DelegationBody>('/delegation', {
          form: { client_id: app.client_id, grant_type: JWT_BEARER, refresh_token: issued.refresh_token },
        });
        expect(r.status).toBe(200);
        expect(r.body.token_type).toBe('Bearer');
      });

      it('accepts one of our valid id_tokens instead of a refresh token', async () => {
        const issued = await issueRefreshToken(svc, { client_id: app.client_id });
        const first = await delegate(svc, app.client_id, issued.refresh_token);
        const r = await svc.http.post<DelegationBody>('/delegation', {
          json: { client_id: app.client_id, grant_type: JWT_BEARER, id_token: first.body.id_token },
        });
        expect(r.status).toBe(200);
        const { payload } = await jwtVerify(r.body.id_token, jwks, { issuer: svc.issuer, audience: app.client_id });
        expect(payload).toMatchObject({ sub: issued.user_id, sid: issued.id });
      });

      it('sets aud to target (another client) while azp stays the caller', async () => {
        const api = await createClient(svc, { app_type: 'regular_web', allowed_clients: [app.client_id] });
        const issued = await issueRefreshToken(svc, { client_id: app.client_id });
        const r = await delegate(svc, app.client_id, issued.refresh_token, { target: api.client_id });
        expect(r.status).toBe(200);
        const { payload } = await jwtVerify(r.body.id_token, jwks, { issuer: svc.issuer, audience: api.client_id });
        expect(payload.azp).toBe(app.client_id);
      });

      it('signs with HS256 and the client secret when the client asks for it', async () => {
        const hs = await createClient(svc, { app_type: 'regular_web', jwt_configuration: { alg: 'HS256' } });
        const issued = await issueRefreshToken(svc, { client_id: hs.client_id });
        const r = await delegate(svc, hs.client_id, issued.refresh_token, { client_secret: hs.client_secret! });
        expect(r.status).toBe(200);
        expect(decodeProtectedHeader(r.body.id_token).alg).toBe('HS256');
        const { payload } = await jwtVerify(r.body.id_token, new TextEncoder().encode(hs.client_secret!), {
          issuer: svc.issuer,
          audience: hs.client_id,
          algorithms: ['HS256'],
        });
        expect(payload.sid).toBe(issued.id);
        // The HS256 id_token is also accepted back at /delegation.
        const again = await svc.http.post('/delegation', {
          json: { client_id: hs.client_id, client_secret: hs.client_secret, grant_type: JWT_BEARER, id_token: r.body.id_token },
        });
        expect(again.status).toBe(200);
      });

      it.each(['ES256', 'EdDSA'])('signs with %s when the client asks for it, verifiable with the JWKS', async (alg) => {
        const c = await createClient(svc, { app_type: 'native', jwt_configuration: { alg } });
        const issued = await issueRefreshToken(svc, { client_id: c.client_id });
        const r = await delegate(svc, c.client_id, issued.refresh_token);
        expect(r.status).toBe(200);
        const { protectedHeader } = await jwtVerify(r.body.id_token, jwks, { issuer: svc.issuer, audience: c.client_id, algorithms: [alg] });
        expect(protectedHeader.alg).toBe(alg);
        expect(protectedHeader.kid).toEqual(expect.any(String));
      });
    });

    describe('errors', () => {
      let issued: Awaited<ReturnType<typeof issueRefreshToken>>;
      beforeAll(async () => {
        issued = await issueRefreshToken(svc, { client_id: app.client_id });
      });

      it('refuses both refresh_token and id_token with 400 invalid_request', async () => {
        const first = await delegate(svc, app.client_id, issued.refresh_token);
        const r = await svc.http.post<DelegationBody & OAuthErrorBody>('/delegation', {
          json: { client_id: app.client_id, grant_type: JWT_BEARER, refresh_token: issued.refresh_token, id_token: first.body.id_token },
        });
        expectOAuthError(r, 400, 'invalid_request');
      });

      it('refuses neither refresh_token nor id_token with 400 invalid_request', async () => {
        const r = await svc.http.post<DelegationBody & OAuthErrorBody>('/delegation', { json: { client_id: app.client_id, grant_type: JWT_BEARER } });
        expectOAuthError(r, 400, 'invalid_request');
      });

      it('refuses a bad grant_type with 400 invalid_request', async () => {
        const r = await delegate(svc, app.client_id, issued.refresh_token, { grant_type: 'refresh_token' });
        expectOAuthError(r, 400, 'invalid_request');
      });

      it('refuses a missing client_id with 400 invalid_request', async () => {
        const r = await svc.http.post<DelegationBody & OAuthErrorBody>('/delegation', {
          json: { grant_type: JWT_BEARER, refresh_token: issued.refresh_token },
        });
        expectOAuthError(r, 400, 'invalid_request');
      });

      it('refuses an unknown client_id with 401 invalid_client', async () => {
        const r = await delegate(svc, uniqueId('nope'), issued.refresh_token);
        expectOAuthError(r, 401, 'invalid_client');
      });

      it('refuses an unknown refresh token with 400 invalid_grant "Unknown or invalid refresh token."', async () => {
        const r = await delegate(svc, app.client_id, 'x'.repeat(43));
        expectOAuthError(r, 400, 'invalid_grant', 'Unknown or invalid refresh token.');
      });

      it('refuses a revoked refresh token with 400 invalid_grant "The refresh token has been revoked."', async () => {
        const victim = await issueRefreshToken(svc, { client_id: app.client_id });
        expect((await svc.http.delete(`/api/v2/refresh-tokens/${victim.id}`, { token: await svc.managementToken() })).status).toBe(204);
        const r = await delegate(svc, app.client_id, victim.refresh_token);
        expectOAuthError(r, 400, 'invalid_grant', 'The refresh token has been revoked.');
        expect(r.headers.get('cache-control')).toBe('no-store');
      });

      it('refuses the refresh token of another client with 400 invalid_grant', async () => {
        const other = await createClient(svc, { app_type: 'native' });
        const r = await delegate(svc, other.client_id, issued.refresh_token);
        expectOAuthError(r, 400, 'invalid_grant');
      });

      it('refuses an id_token whose credential was revoked', async () => {
        const victim = await issueRefreshToken(svc, { client_id: app.client_id });
        const first = await delegate(svc, app.client_id, victim.refresh_token);
        await svc.http.delete(`/api/v2/refresh-tokens/${victim.id}`, { token: await svc.managementToken() });
        const r = await svc.http.post<DelegationBody & OAuthErrorBody>('/delegation', {
          json: { client_id: app.client_id, grant_type: JWT_BEARER, id_token: first.body.id_token },
        });
        expectOAuthError(r, 400, 'invalid_grant', 'The refresh token has been revoked.');
      });

      it('refuses an id_token of another client, and a forged one, with 400 invalid_grant', async () => {
        const other = await createClient(svc, { app_type: 'native' });
        const first = await delegate(svc, app.client_id, issued.refresh_token);
        const r = await svc.http.post<DelegationBody & OAuthErrorBody>('/delegation', {
          json: { client_id: other.client_id, grant_type: JWT_BEARER, id_token: first.body.id_token },
        });
        expectOAuthError(r, 400, 'invalid_grant');
        const [h, p] = first.body.id_token.split('.');
        const forged = await svc.http.post<DelegationBody & OAuthErrorBody>('/delegation', {
          json: { client_id: app.client_id, grant_type: JWT_BEARER, id_token: `${h}.${p}.AAAA` },
        });
        expectOAuthError(forged, 400, 'invalid_grant');
      });

      it('refuses an expired id_token of ours (signed by our key) with 400 invalid_grant', async () => {
        const { idToken } = await mintIdToken({
          keyStore: svc.service.get(KeyStore),
          issuer: svc.issuer,
          subject: issued.user_id,
          audience: app.client_id,
          azp: app.client_id,
          sid: issued.id,
          lifetimeInSeconds: 60,
          alg: 'RS256',
          clock: new FixedClock(new Date(Date.now() - 3_600_000)),
        });
        const r = await svc.http.post<DelegationBody & OAuthErrorBody>('/delegation', {
          json: { client_id: app.client_id, grant_type: JWT_BEARER, id_token: idToken },
        });
        expectOAuthError(r, 400, 'invalid_grant');
      });

      it('refuses an unknown target with 400', async () => {
        const r = await delegate(svc, app.client_id, issued.refresh_token, { target: uniqueId('nope') });
        expect(r.status).toBe(400);
        expect(r.body.error).toEqual(expect.any(String));
      });

      it('refuses a repeated form parameter with 400 invalid_request', async () => {
        const r = await svc.http.post<OAuthErrorBody>('/delegation', {
          form: { client_id: [app.client_id, app.client_id], grant_type: JWT_BEARER, refresh_token: issued.refresh_token },
        });
        expect(r.status).toBe(400);
        expect(r.body.error).toBe('invalid_request');
      });
    });
  });

  describe('rate limit DELEGATION_RATE_LIMIT=3', () => {
    let svc: TokenServiceUnderTest;
    let app: CreatedClient;
    beforeAll(async () => {
      svc = await startTokenService({ adapter, env: { DELEGATION_RATE_LIMIT: '3' } });
      app = await createClient(svc, { app_type: 'native' });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('answers the 4th call in a minute with 429 and X-RateLimit-Limit/Remaining/Reset; other users are not affected', async () => {
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      const neighbour = await issueRefreshToken(svc, { client_id: app.client_id });
      await awayFromMinuteBoundary();
      const answers: DelegationResponse[] = [];
      for (let i = 0; i < 4; i++) answers.push(await delegate(svc, app.client_id, issued.refresh_token));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((a) => a.headers.get('x-ratelimit-limit'))).toEqual(['3', '3', '3', '3']);
      expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
      const reset = Number(answers[3].headers.get('x-ratelimit-reset'));
      const nowSeconds = Date.now() / 1000;
      expect(reset).toBeGreaterThan(nowSeconds - 1);
      expect(reset).toBeLessThanOrEqual(Math.ceil(nowSeconds) + 60);
      expect(answers[3].body.error).toEqual(expect.any(String));
      expect(answers[3].body.error_description).toEqual(expect.any(String));

      expect((await delegate(svc, app.client_id, neighbour.refresh_token)).status).toBe(200);
    }, 30_000);
  });

  describe('rate limit off (DELEGATION_RATE_LIMIT=0)', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter, env: { DELEGATION_RATE_LIMIT: '0' } });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('never answers 429 and sends no X-RateLimit headers', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      for (let i = 0; i < 25; i++) {
        const r = await delegate(svc, app.client_id, issued.refresh_token);
        expect(r.status).toBe(200);
        expect(r.headers.get('x-ratelimit-limit')).toBeNull();
      }
    });
  });

  describe('default rate limit (10 per minute, Auth0)', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('allows 10 calls per (IP, user) and refuses the 11th', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      await awayFromMinuteBoundary();
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await delegate(svc, app.client_id, issued.refresh_token)).status);
      expect(statuses).toEqual([...Array(10).fill(200), 429]);
    }, 30_000);
  });
});
