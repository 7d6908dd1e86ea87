/**
 * Issue 8 item 2: a management client cannot give itself (or a client it
 * creates) more than it holds, and a token follows its client's grant at use.
 */
import {
  createClient,
  managementClientWithScopes,
  clientCredentialsToken,
  type ManagementErrorBody,
} from '../../../../../test/support/fixtures';
import { FULL_ADMIN_SCOPES } from '../auth/scopes';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface Grant {
  id: string;
  client_id: string;
  scope: string[];
}

describe.each(ADAPTERS)('management API: client grants cannot escalate (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const grant = (token: string, clientId: string, scope: string[]) =>
    svc.http.post<Grant & ManagementErrorBody>('/api/v2/client-grants', { token, json: { client_id: clientId, audience: svc.managementAudience, scope } });

  it('refuses (403 insufficient_scope) a grant of a scope the caller does not hold, and creates nothing', async () => {
    const caller = await managementClientWithScopes(svc, ['create:clients', 'create:client_grants', 'read:clients']);
    // The escalation: create a client, grant it every scope, use it.
    const created = await svc.http.post<{ client_id: string }>('/api/v2/clients', { token: caller.token, json: { name: 'mine', app_type: 'non_interactive' } });
    expect(created.status).toBe(201);
    const r = await grant(caller.token, created.body.client_id, ['read:clients', 'delete:clients', 'create:client_grants']);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('delete:clients'), errorCode: 'insufficient_scope' });
    const listed = await svc.http.get<Grant[]>('/api/v2/client-grants', { token: await svc.managementToken(), query: { client_id: created.body.client_id } });
    expect(listed.body).toEqual([]);
    // Within what it holds, it may grant.
    const within = await grant(caller.token, created.body.client_id, ['read:clients']);
    expect(within.status).toBe(201);
  });

  it('lets a full admin made before read:audit existed grant read:audit (and use it), but not a client one scope short', async () => {
    const older = await managementClientWithScopes(svc, [...FULL_ADMIN_SCOPES]);
    const auditor = await createClient(svc, { app_type: 'non_interactive' });
    const granted = await grant(older.token, auditor.client_id, ['read:audit']);
    expect(granted.status).toBe(201);
    const auditToken = await clientCredentialsToken(svc, auditor.client_id, auditor.client_secret!);
    const claims = JSON.parse(Buffer.from(auditToken.split('.')[1], 'base64url').toString('utf8')) as { scope: string };
    expect(claims.scope.split(' ')).toContain('read:audit');
    // Past the scope check: this service runs no verifiable log, so 503, where a token without the scope gets 403.
    expect((await svc.http.get('/api/v2/audit/verifier-key', { token: auditToken })).status).toBe(503);
    expect((await svc.http.get('/api/v2/audit/verifier-key', { token: older.token })).status).toBe(403);

    const short = await managementClientWithScopes(svc, FULL_ADMIN_SCOPES.filter((s) => s !== 'delete:device_credentials'));
    const other = await createClient(svc, { app_type: 'non_interactive' });
    const refused = await grant(short.token, other.client_id, ['read:audit']);
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('insufficient_scope');
  });

  it('judges what the caller holds by its token, not its grant: a token narrowed at issue grants no more than it carries', async () => {
    const caller = await managementClientWithScopes(svc, ['create:client_grants', 'read:clients', 'delete:clients']);
    const narrow = await clientCredentialsToken(svc, caller.client.client_id, caller.client.client_secret!, 'create:client_grants read:clients');
    const target = await createClient(svc, { app_type: 'non_interactive' });
    const r = await grant(narrow, target.client_id, ['delete:clients']);
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('insufficient_scope');
  });

  it('stops a management token at once when its client grant is deleted (401)', async () => {
    const holder = await managementClientWithScopes(svc, ['read:clients']);
    expect((await svc.http.get('/api/v2/clients', { token: holder.token })).status).toBe(200);
    const deleted = await svc.http.delete(`/api/v2/client-grants/${holder.grantId}`, { token: await svc.managementToken() });
    expect(deleted.status).toBe(204);
    const r = await svc.http.get<ManagementErrorBody>('/api/v2/clients', { token: holder.token });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ statusCode: 401, errorCode: 'invalid_token' });
  });

  it('does not revive a token whose grant was deleted when a new grant with the same scopes is created (401)', async () => {
    const holder = await managementClientWithScopes(svc, ['read:clients']);
    const admin = await svc.managementToken();
    expect((await svc.http.delete(`/api/v2/client-grants/${holder.grantId}`, { token: admin })).status).toBe(204);
    // The attack: the same scopes granted again under a new grant.
    expect((await grant(admin, holder.client.client_id, ['read:clients'])).status).toBe(201);

    const r = await svc.http.get<ManagementErrorBody>('/api/v2/clients', { token: holder.token });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ statusCode: 401, errorCode: 'invalid_token' });
    // A token minted under the new grant works.
    const fresh = await clientCredentialsToken(svc, holder.client.client_id, holder.client.client_secret!);
    expect((await svc.http.get('/api/v2/clients', { token: fresh })).status).toBe(200);
  });

  it('stops a management token when its client is deleted (401)', async () => {
    const holder = await managementClientWithScopes(svc, ['read:clients']);
    expect((await svc.http.delete(`/api/v2/clients/${holder.client.client_id}`, { token: await svc.managementToken() })).status).toBe(204);
    const r = await svc.http.get<ManagementErrorBody>('/api/v2/clients', { token: holder.token });
    expect(r.status).toBe(401);
  });
});
