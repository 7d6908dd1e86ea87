/**
 * Taking client_credentials away from a client with a PATCH removes its
 * management access: it never takes away the last way in (the client named
 * by MANAGEMENT_CLIENT_ID, the last client holding every management scope),
 * not even by two admins demoting each other at the same moment.
 */
import { managementClientWithScopes, type ManagementErrorBody } from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { playLockoutRace } from '../../../../../test/support/lockout-race';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';
import { MANAGEMENT_SCOPES } from '../auth/scopes';

const TRIES = 12;
const WITHOUT_CLIENT_CREDENTIALS = { grant_types: ['refresh_token'] };

function expectConflict(r: HttpResponse<ManagementErrorBody>, errorCode: string): void {
  expect(r.status).toBe(409);
  expect(r.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.any(String), errorCode });
}

describe.each(ADAPTERS)('management API: no lock-out by PATCH (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  beforeEach(async () => {
    svc = await startTokenService({ adapter });
  });
  afterEach(async () => {
    await svc?.close();
  });

  const patch = (clientId: string, token: string, json: unknown = WITHOUT_CLIENT_CREDENTIALS) =>
    svc.http.request<ManagementErrorBody & { grant_types: string[] }>('PATCH', `/api/v2/clients/${clientId}`, { token, json });
  const bootstrapGrantId = async (token: string): Promise<string> => {
    const r = await svc.http.get<{ id: string }[]>('/api/v2/client-grants', { token, query: { client_id: svc.managementClientId } });
    return r.body[0].id;
  };

  it('refuses (409 management_client) to take client_credentials from the MANAGEMENT_CLIENT_ID client, which keeps working', async () => {
    const token = await svc.managementToken();
    expectConflict(await patch(svc.managementClientId, token), 'management_client');
    expect((await svc.http.get<{ grant_types: string[] }>(`/api/v2/clients/${svc.managementClientId}`, { token })).body.grant_types).toContain(
      'client_credentials',
    );
  });

  it('refuses (409) the last full admin demoting itself, and lets a full admin demote another: whose tokens then stop working', async () => {
    const admin = await managementClientWithScopes(svc, [...MANAGEMENT_SCOPES]);
    const other = await managementClientWithScopes(svc, [...MANAGEMENT_SCOPES]);
    expect((await svc.http.delete(`/api/v2/client-grants/${await bootstrapGrantId(admin.token)}`, { token: admin.token })).status).toBe(204);

    // Two full admins: one may demote the other...
    const demoted = await patch(other.client.client_id, admin.token);
    expect(demoted.status).toBe(200);
    expect(demoted.body.grant_types).toEqual(['refresh_token']);
    // ...whose token stops working at once, and who gets no new one.
    expect((await svc.http.get('/api/v2/clients', { token: other.token })).status).toBe(401);
    const minted = await svc.http.post<{ error: string }>('/oauth/token', {
      json: { grant_type: 'client_credentials', client_id: other.client.client_id, client_secret: other.client.client_secret, audience: svc.managementAudience },
    });
    // The token endpoint's answer to a grant type the client does not hold (as Auth0: 403 unauthorized_client).
    expect(minted.status).toBe(403);
    expect(minted.body.error).toBe('unauthorized_client');

    // The last one may not demote itself; it keeps working.
    expectConflict(await patch(admin.client.client_id, admin.token), 'last_management_client');
    expect((await svc.http.get('/api/v2/clients', { token: admin.token })).status).toBe(200);
    // Changes that keep client_credentials are not removals.
    expect((await patch(admin.client.client_id, admin.token, { grant_types: ['client_credentials', 'refresh_token'] })).status).toBe(200);
  });

  it('does not count a client without client_credentials as an admin: then the other admin is the last one (409)', async () => {
    const admin = await managementClientWithScopes(svc, [...MANAGEMENT_SCOPES]);
    const other = await managementClientWithScopes(svc, [...MANAGEMENT_SCOPES]);
    expect((await patch(other.client.client_id, admin.token)).status).toBe(200);
    expect((await svc.http.delete(`/api/v2/client-grants/${await bootstrapGrantId(admin.token)}`, { token: admin.token })).status).toBe(204);
    // `other` still holds every scope through its grant, but can get no token: it is no way in.
    expectConflict(await svc.http.delete<ManagementErrorBody>(`/api/v2/client-grants/${admin.grantId}`, { token: admin.token }), 'last_management_grant');
    expectConflict(await svc.http.delete<ManagementErrorBody>(`/api/v2/clients/${admin.client.client_id}`, { token: admin.token }), 'last_management_client');
    expect((await svc.http.get('/api/v2/clients', { token: admin.token })).status).toBe(200);
  });

  it(`two full admins demoting each other at the same moment: one is demoted, the other refused, on each of ${TRIES} tries`, async () => {
    const token = await svc.managementToken();
    const outcomes = await playLockoutRace(svc, {
      what: 'client',
      tries: TRIES,
      bootstrapGrantId: await bootstrapGrantId(token),
      // The race's DELETE of a client becomes the PATCH that takes client_credentials away (200 reads as done).
      send: async (path, bearer) => {
        if (!path.startsWith('/api/v2/clients/')) return svc.http.delete(path, { token: bearer });
        const r = await svc.http.request('PATCH', path, { token: bearer, json: WITHOUT_CLIENT_CREDENTIALS });
        return r.status === 200 ? { ...r, status: 204 } : r;
      },
    });
    expect(outcomes).toEqual(Array(TRIES).fill('deleted refused'));
  }, 120_000);
});
