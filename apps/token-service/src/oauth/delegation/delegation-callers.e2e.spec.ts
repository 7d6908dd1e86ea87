/**
 * Who may call /delegation, played as attacks: a stolen token of a
 * confidential client without its secret, a stolen id_token renewed in a
 * chain, a `target` that does not accept the caller, a client without
 * Auth0's legacy delegation grants.
 */
import { FixedClock } from '@app/shared';
import { KeyStore, mintIdToken } from '@app/signing';
import { decodeJwt } from 'jose';
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
import { startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

const LEGACY_REFRESH = 'http://auth0.com/oauth/legacy/grant-type/delegation/refresh_token';
const LEGACY_ID_TOKEN = 'http://auth0.com/oauth/legacy/grant-type/delegation/id_token';

type Answer = HttpResponse<DelegationBody & OAuthErrorBody>;

function answerOf(r: Answer): { status: number; error?: string; error_description?: string } {
  return r.status === 200 ? { status: 200 } : { status: r.status, error: r.body.error, error_description: r.body.error_description };
}

describe('POST /delegation: who may call it', () => {
  let svc: TokenServiceUnderTest;
  let web: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: { DELEGATION_RATE_LIMIT: '100000' } });
    web = await createClient(svc, { app_type: 'regular_web' });
  });
  afterAll(async () => {
    await svc?.close();
  });

  function withIdToken(clientId: string, idToken: string, extra: Record<string, string> = {}): Promise<Answer> {
    return svc.http.post('/delegation', { json: { client_id: clientId, grant_type: JWT_BEARER, id_token: idToken, ...extra } });
  }

  describe('a confidential client authenticates', () => {
    it("refuses a stolen refresh token of a web app without the app's secret with 401 invalid_client", async () => {
      const stolen = await issueRefreshToken(svc, { client_id: web.client_id });
      expect(answerOf(await delegate(svc, web.client_id, stolen.refresh_token))).toMatchObject({ status: 401, error: 'invalid_client' });
      expect(answerOf(await delegate(svc, web.client_id, stolen.refresh_token, { client_secret: 'guessed-'.repeat(6) }))).toMatchObject({
        status: 401,
        error: 'invalid_client',
      });
    });

    it('accepts the secret in the body or as HTTP Basic', async () => {
      const issued = await issueRefreshToken(svc, { client_id: web.client_id });
      expect((await delegate(svc, web.client_id, issued.refresh_token, { client_secret: web.client_secret! })).status).toBe(200);
      const basic = Buffer.from(`${encodeURIComponent(web.client_id)}:${encodeURIComponent(web.client_secret!)}`).toString('base64');
      const r = await svc.http.post('/delegation', {
        json: { grant_type: JWT_BEARER, refresh_token: issued.refresh_token },
        headers: { authorization: `Basic ${basic}` },
      });
      expect(r.status).toBe(200);
    });

    it("refuses a stolen id_token of a web app without the app's secret with 401 invalid_client", async () => {
      const issued = await issueRefreshToken(svc, { client_id: web.client_id });
      const first = await delegate(svc, web.client_id, issued.refresh_token, { client_secret: web.client_secret! });
      expect(first.status).toBe(200);
      expect(answerOf(await withIdToken(web.client_id, first.body.id_token))).toMatchObject({ status: 401, error: 'invalid_client' });
    });

    it('keeps a public client (native) calling with client_id only, as Auth0 SDK v2 and auth0-js 8 do', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      const first = await svc.http.post<DelegationBody>('/delegation', {
        form: { client_id: app.client_id, grant_type: JWT_BEARER, refresh_token: issued.refresh_token, scope: 'openid', api_type: 'app' },
      });
      expect(first.status).toBe(200);
      expect((await withIdToken(app.client_id, first.body.id_token, { scope: 'openid', api_type: 'app' })).status).toBe(200);
    });
  });

  describe("a presented id_token never renews itself", () => {
    it("gives the new id_token no later exp than the presented one's", async () => {
      // A client whose id_tokens live 10 hours, and one of its id_tokens with 30 seconds left.
      const app = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      const { idToken, exp } = await mintIdToken({
        keyStore: svc.service.get(KeyStore),
        issuer: svc.issuer,
        subject: issued.user_id,
        audience: app.client_id,
        azp: app.client_id,
        sid: issued.id,
        lifetimeInSeconds: 30,
        alg: 'RS256',
        clock: new FixedClock(new Date()),
      });
      let presented = idToken;
      for (let link = 0; link < 3; link++) {
        const r = await withIdToken(app.client_id, presented);
        expect(r.status).toBe(200);
        expect(decodeJwt(r.body.id_token).exp).toBeLessThanOrEqual(exp);
        expect(r.body.expires_in).toBeLessThanOrEqual(30);
        presented = r.body.id_token;
      }
    });
  });

  describe('target', () => {
    it('refuses a target that does not list the caller in allowed_clients with 400 invalid_request', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const closed = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      expect(answerOf(await delegate(svc, app.client_id, issued.refresh_token, { target: closed.client_id }))).toEqual({
        status: 400,
        error: 'invalid_request',
        error_description: 'The target does not allow this client.',
      });
      // An unknown target gets the same answer: the caller learns nothing about which clients exist.
      expect(answerOf(await delegate(svc, app.client_id, issued.refresh_token, { target: 'no-such-client' }))).toEqual(
        answerOf(await delegate(svc, app.client_id, issued.refresh_token, { target: closed.client_id })),
      );
    });

    it('accepts a target that lists the caller, shown by GET /api/v2/clients/{id}', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const api = await createClient(svc, { app_type: 'native', allowed_clients: [app.client_id] });
      const shown = await svc.http.get<CreatedClient & { allowed_clients: string[] }>(`/api/v2/clients/${api.client_id}`, {
        token: await svc.managementToken(),
      });
      expect(shown.body.allowed_clients).toEqual([app.client_id]);
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      const r = await delegate(svc, app.client_id, issued.refresh_token, { target: api.client_id });
      expect(r.status).toBe(200);
      expect(decodeJwt(r.body.id_token)).toMatchObject({ aud: api.client_id, azp: app.client_id });
    });
  });

  describe("the client's grant types", () => {
    it("lists Auth0's legacy delegation grants in the defaults of native, spa and regular_web (not non_interactive)", async () => {
      for (const appType of ['native', 'spa', 'regular_web']) {
        expect((await createClient(svc, { app_type: appType })).grant_types).toEqual(expect.arrayContaining([LEGACY_REFRESH, LEGACY_ID_TOKEN]));
      }
      expect((await createClient(svc, { app_type: 'non_interactive' })).grant_types).not.toContain(LEGACY_REFRESH);
    });

    it('refuses a client without the delegation grant with 400 unauthorized_client', async () => {
      const app = await createClient(svc, { app_type: 'native', grant_types: ['refresh_token'] });
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      expect(answerOf(await delegate(svc, app.client_id, issued.refresh_token))).toMatchObject({ status: 400, error: 'unauthorized_client' });
    });

    it('allows each kind of token by its own grant', async () => {
      const app = await createClient(svc, { app_type: 'native', grant_types: ['refresh_token', LEGACY_REFRESH] });
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      const first = await delegate(svc, app.client_id, issued.refresh_token);
      expect(first.status).toBe(200);
      expect(answerOf(await withIdToken(app.client_id, first.body.id_token))).toMatchObject({ status: 400, error: 'unauthorized_client' });
    });
  });
});
