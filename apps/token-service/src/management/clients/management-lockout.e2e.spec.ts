/**
 * Issue 8 item 5: the management API never deletes its own way in: not the
 * client named by MANAGEMENT_CLIENT_ID, not the last client holding every
 * management scope, not that client's last grant. A deleted client's grants
 * do not count as a way in.
 */
import { managementClientWithScopes, type ManagementErrorBody } from '../../../../../test/support/fixtures';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';
import { MANAGEMENT_SCOPES } from '../auth/scopes';

interface Grant {
  id: string;
  client_id: string;
}

describe.each(ADAPTERS)('management API: no lock-out (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const bootstrapGrantId = async (token: string): Promise<string> => {
    const r = await svc.http.get<Grant[]>('/api/v2/client-grants', { token, query: { client_id: svc.managementClientId } });
    expect(r.body).toHaveLength(1);
    return r.body[0].id;
  };

  function expectConflict(r: { status: number; body: unknown }, errorCode: string): void {
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.any(String), errorCode });
  }

  it('refuses (409 management_client) to delete the client named by MANAGEMENT_CLIENT_ID, which keeps working', async () => {
    const token = await svc.managementToken();
    expectConflict(await svc.http.delete<ManagementErrorBody>(`/api/v2/clients/${svc.managementClientId}`, { token }), 'management_client');
    expect((await svc.http.get('/api/v2/clients', { token })).status).toBe(200);
  });

  it("does not count a deleted client's grants: with the only other full admin deleted, the bootstrap grant is the last one (409)", async () => {
    const token = await svc.managementToken();
    const other = await managementClientWithScopes(svc, [...MANAGEMENT_SCOPES]);
    // Another full admin exists, so it may be deleted...
    expect((await svc.http.delete(`/api/v2/clients/${other.client.client_id}`, { token })).status).toBe(204);
    // ...and then its grant no longer makes the bootstrap grant deletable.
    expectConflict(await svc.http.delete(`/api/v2/client-grants/${await bootstrapGrantId(token)}`, { token }), 'last_management_grant');
    expect((await svc.http.get<Grant[]>('/api/v2/client-grants', { token, query: { client_id: other.client.client_id } })).body).toEqual([]);
  });

  it('refuses to delete the last client holding every management scope, and its last grant (409); a partial admin may go', async () => {
    const admin = await managementClientWithScopes(svc, [...MANAGEMENT_SCOPES]);
    const partial = await managementClientWithScopes(svc, ['read:clients']);
    // The second full admin takes the bootstrap client's grant away: allowed, one full admin remains.
    expect((await svc.http.delete(`/api/v2/client-grants/${await bootstrapGrantId(admin.token)}`, { token: admin.token })).status).toBe(204);

    expectConflict(await svc.http.delete(`/api/v2/clients/${admin.client.client_id}`, { token: admin.token }), 'last_management_client');
    expectConflict(await svc.http.delete(`/api/v2/client-grants/${admin.grantId}`, { token: admin.token }), 'last_management_grant');
    expect((await svc.http.get('/api/v2/clients', { token: admin.token })).status).toBe(200);
    expect((await svc.http.delete(`/api/v2/clients/${partial.client.client_id}`, { token: admin.token })).status).toBe(204);
  });
});
