/**
 * Issue 8 item 6: errors say whose fault they are. Caller mistakes are 4xx in
 * the contract's shape (including Fastify's own router errors); every id the
 * API accepts is addressable in a path; a data key that cannot open the
 * stored sealed secrets stops the start.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createClient, issueRefreshToken, type ManagementErrorBody, type OAuthErrorBody } from '../support/fixtures';
import { ADAPTERS, startTokenService, tempDir, uniqueId, type TokenServiceUnderTest } from '../support/token-service';

const MANAGEMENT_SHAPE = (status: number) => ({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode: expect.any(String) });
const OAUTH_SHAPE = { error: expect.any(String), error_description: expect.any(String) };

describe.each(ADAPTERS)('error policy (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('the former 500s for caller mistakes are 400s', () => {
    it('answers 400 when a native (public) client asks for HS256 id_tokens', async () => {
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/clients', {
        token,
        json: { name: uniqueId('app'), app_type: 'native', jwt_configuration: { alg: 'HS256' } },
      });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(400));
      expect(r.body.message).toMatch(/HS256/);
    });

    it('answers 400 when a native (public) client asks for the client_credentials grant', async () => {
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/clients', {
        token,
        json: { name: uniqueId('app'), app_type: 'native', grant_types: ['refresh_token', 'client_credentials'] },
      });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(400));
      expect(r.body.message).toMatch(/client_credentials/);
    });

    it('answers 400 when issuing a refresh token for a client without the refresh_token grant', async () => {
      const machine = await createClient(svc, { app_type: 'non_interactive', grant_types: ['client_credentials'] });
      const r = await svc.http.post<ManagementErrorBody>('/api/v2/refresh-tokens', {
        token,
        json: { client_id: machine.client_id, user_id: uniqueId('user'), device_name: 'Pixel 8', scope: 'openid offline_access' },
      });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(400));
      expect(r.body.message).toMatch(/refresh_token/);
    });
  });

  describe('ids in paths', () => {
    it.each([
      ['256 ASCII characters', 'u'.repeat(256)],
      ['256 three-byte characters (the longest percent-encoding)', '€'.repeat(256)],
    ])('lists and revokes the tokens of a user id of %s', async (_what, userId) => {
      const app = await createClient(svc);
      const issued = await issueRefreshToken(svc, { client_id: app.client_id, user_id: userId });
      const path = `/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`;
      const listed = await svc.http.get<{ tokens: { id: string }[] }>(path, { token });
      expect(listed.status).toBe(200);
      expect(listed.body.tokens.map((t) => t.id)).toEqual([issued.id]);
      expect((await svc.http.delete(path, { token })).status).toBe(204);
      expect((await svc.http.get<{ tokens: unknown[] }>(path, { token })).body.tokens).toEqual([]);
    });

    it('answers a path parameter longer than any accepted id in the management shape', async () => {
      const r = await svc.http.get(`/api/v2/users/${'u'.repeat(3000)}/refresh-tokens`, { token });
      expect(r.status).toBe(414);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(414));
    });

    it('answers a bad percent-escape in a path with 400 in the management shape', async () => {
      const r = await svc.http.get('/api/v2/users/%E0%A4%A/refresh-tokens', { token });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(MANAGEMENT_SHAPE(400));
      // Our words, not Fastify's echo of the URL.
      expect(r.text).not.toContain('%E0%A4%A');
    });
  });

  describe("Fastify's own errors in the contract's shape", () => {
    it('answers bad JSON with 400 in the OAuth shape on /oauth/token and the management shape under /api/v2', async () => {
      const oauth = await svc.http.post('/oauth/token', { raw: '{"grant_type": ', headers: { 'content-type': 'application/json' } });
      expect(oauth.status).toBe(400);
      expect(oauth.body).toEqual(OAUTH_SHAPE);
      const management = await svc.http.post('/api/v2/refresh-tokens', { token, raw: '{"user_id": ', headers: { 'content-type': 'application/json' } });
      expect(management.status).toBe(400);
      expect(management.body).toEqual(MANAGEMENT_SHAPE(400));
    });

    it('answers a wrong content type with 415 in the OAuth shape on /oauth/revoke and the management shape under /api/v2', async () => {
      const oauth = await svc.http.post<OAuthErrorBody>('/oauth/revoke', { raw: '<token/>', headers: { 'content-type': 'application/xml' } });
      expect(oauth.status).toBe(415);
      expect(oauth.body).toEqual(OAUTH_SHAPE);
      const management = await svc.http.post('/api/v2/clients', { token, raw: '<client/>', headers: { 'content-type': 'application/xml' } });
      expect(management.status).toBe(415);
      expect(management.body).toEqual(MANAGEMENT_SHAPE(415));
    });
  });
});

describe('start-up: the data key must open the stored sealed secrets', () => {
  const dataDir = tempDir();
  // DATA_KEY reaches the service through its validated configuration, as every variable does.
  const startWithDataKey = (dataKey: string) => startTokenService({ adapter: 'sqlite', dataDir, env: { DATA_KEY: dataKey } });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start with a DATA_KEY other than the one the HS256 secrets were sealed with, and starts with the right one', async () => {
    const rightKey = randomBytes(32).toString('base64');
    const first = await startWithDataKey(rightKey);
    const hs256 = await createClient(first, { app_type: 'regular_web', jwt_configuration: { alg: 'HS256' } });
    await first.close();

    const wrongStart = startWithDataKey(randomBytes(32).toString('base64'));
    const started = await wrongStart.catch(() => undefined);
    await started?.close();
    await expect(wrongStart).rejects.toMatchObject({
      code: 'DATA_KEY_INVALID',
      message: expect.stringContaining(`cannot open the sealed client secret of client ${hs256.client_id}`),
    });

    const again = await startWithDataKey(rightKey);
    try {
      expect((await again.http.get('/health/live')).status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
