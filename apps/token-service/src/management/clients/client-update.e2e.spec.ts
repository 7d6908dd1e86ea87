import { createClient, managementClientWithScopes, type CreatedClient, type ManagementErrorBody } from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface PolicyBody {
  rotation_type: string;
  expiration_type: string;
  leeway: number;
  token_lifetime: number;
  infinite_token_lifetime: boolean;
  idle_token_lifetime: number;
  infinite_idle_token_lifetime: boolean;
}
type Client = CreatedClient & { allowed_clients: string[]; refresh_token: PolicyBody; require_proof_of_possession: boolean };

const LEGACY: PolicyBody = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 2_592_000,
  infinite_token_lifetime: true,
  idle_token_lifetime: 1_296_000,
  infinite_idle_token_lifetime: true,
};

function expectError(r: HttpResponse<ManagementErrorBody>, status: number, errorCode: string, text?: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode });
  if (text !== undefined) expect(r.body.message).toContain(text);
}

describe.each(ADAPTERS)('management API: PATCH /api/v2/clients/{id} (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
  });
  afterAll(async () => {
    await svc?.close();
  });

  const patch = (clientId: string, json: unknown, bearer: string = token) =>
    svc.http.request<Client & ManagementErrorBody>('PATCH', `/api/v2/clients/${clientId}`, { token: bearer, json });
  const get = async (clientId: string) => (await svc.http.get<Client>(`/api/v2/clients/${clientId}`, { token })).body;

  it('lays a partial refresh_token over the current policy and answers the updated client, as GET then shows it', async () => {
    const app = await createClient(svc, { app_type: 'native' });
    const r = await patch(app.client_id, { refresh_token: { rotation_type: 'rotating', leeway: 30 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ client_id: app.client_id, refresh_token: { ...LEGACY, rotation_type: 'rotating', leeway: 30 } });
    expect(r.body).not.toHaveProperty('client_secret');
    expect(await get(app.client_id)).toEqual(r.body);

    const again = await patch(app.client_id, { refresh_token: { expiration_type: 'expiring', token_lifetime: 3_600, idle_token_lifetime: 600 } });
    expect(again.body.refresh_token).toEqual({
      rotation_type: 'rotating',
      expiration_type: 'expiring',
      leeway: 30,
      token_lifetime: 3_600,
      infinite_token_lifetime: false,
      idle_token_lifetime: 600,
      infinite_idle_token_lifetime: false,
    });
  });

  it('changes name, grant_types, allowed_clients and require_proof_of_possession, and keeps what it does not name', async () => {
    const app = await createClient(svc, { app_type: 'regular_web' });
    const name = uniqueId('renamed');
    const r = await patch(app.client_id, { name, grant_types: ['refresh_token'], allowed_clients: ['other-app'], require_proof_of_possession: true });
    expect(r.status).toBe(200);
    expect(await get(app.client_id)).toMatchObject({
      name,
      app_type: 'regular_web',
      grant_types: ['refresh_token'],
      allowed_clients: ['other-app'],
      require_proof_of_possession: true,
      refresh_token: LEGACY,
      jwt_configuration: app.jwt_configuration,
    });
  });

  it('answers 200 with the client unchanged when nothing changes', async () => {
    const app = await createClient(svc, { app_type: 'native' });
    const before = await get(app.client_id);
    const r = await patch(app.client_id, { refresh_token: { rotation_type: 'non-rotating' }, require_proof_of_possession: false });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(before);
    expect((await patch(app.client_id, {})).body).toEqual(before);
  });

  describe('refuses', () => {
    it.each<[string, unknown, string]>([
      ['a leeway above 300', { refresh_token: { leeway: 301 } }, 'refresh_token.leeway'],
      ['an unknown rotation type', { refresh_token: { rotation_type: 'sometimes' } }, 'refresh_token.rotation_type'],
      ['an idle lifetime above the absolute one', { refresh_token: { expiration_type: 'expiring', token_lifetime: 60, idle_token_lifetime: 61 } }, 'refresh_token.idle_token_lifetime'],
      ['an unknown grant type', { grant_types: ['magic'] }, 'grant_types'],
      ['a field it cannot change', { app_type: 'spa' }, 'app_type'],
      ['a client_secret', { client_secret: 'x'.repeat(40) }, 'client_secret'],
      ['an empty name', { name: '' }, 'name'],
      ['a body that is not an object', ['refresh_token'], 'body'],
    ])('%s with 400 naming the field', async (_case, body, field) => {
      const app = await createClient(svc, { app_type: 'native' });
      expectError(await patch(app.client_id, body), 400, 'invalid_body', field);
    });

    it('a non-expiring spa (400)', async () => {
      const app = await createClient(svc, { app_type: 'spa' });
      expectError(await patch(app.client_id, { refresh_token: { expiration_type: 'non-expiring' } }), 400, 'invalid_body', 'refresh_token.expiration_type');
      expect((await get(app.client_id)).refresh_token.expiration_type).toBe('expiring');
    });

    it('client_credentials for a public client (RFC 6749 §4.4)', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const r = await patch(app.client_id, { grant_types: ['refresh_token', 'client_credentials'] });
      expect(r.status).toBe(400);
      expect((await get(app.client_id)).grant_types).not.toContain('client_credentials');
    });

    it('an unknown client, and a deleted one (404)', async () => {
      expectError(await patch(uniqueId('nobody'), { name: 'x' }), 404, 'inexistent_client');
      const app = await createClient(svc, { app_type: 'native' });
      expect((await svc.http.delete(`/api/v2/clients/${app.client_id}`, { token })).status).toBe(204);
      expectError(await patch(app.client_id, { name: 'x' }), 404, 'inexistent_client');
    });

    it('a caller without a token (401), or whose token lacks update:clients (403)', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const none = await svc.http.request<ManagementErrorBody>('PATCH', `/api/v2/clients/${app.client_id}`, { json: { require_proof_of_possession: true } });
      expect(none.status).toBe(401);
      const reader = await managementClientWithScopes(svc, ['read:clients', 'create:clients', 'delete:clients']);
      expectError(await patch(app.client_id, { require_proof_of_possession: true }, reader.token), 403, 'insufficient_scope');
      expect((await get(app.client_id)).require_proof_of_possession).toBe(false);
    });

    it('a client that updates another with only update:clients may do just that', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      const updater = await managementClientWithScopes(svc, ['update:clients']);
      expect((await patch(app.client_id, { require_proof_of_possession: true }, updater.token)).status).toBe(200);
      expect((await svc.http.get(`/api/v2/clients/${app.client_id}`, { token: updater.token })).status).toBe(403);
    });
  });
});
