/**
 * Management-API and OAuth calls the end-to-end suites repeat, through HTTP
 * only (what a real caller would send). Each helper asserts its own success
 * status so a broken set-up step fails where it happens.
 */
import type { HttpResponse } from './http-client';
import { uniqueId, type TokenServiceUnderTest } from './token-service';

/** What the helpers need of a service: one in this process or a replica of the topology (test/replicas). */
export type ServiceHandle = Pick<TokenServiceUnderTest, 'http' | 'managementToken' | 'managementAudience'>;

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface CreatedClient {
  client_id: string;
  client_secret?: string;
  name: string;
  app_type: string;
  token_endpoint_auth_method: string;
  jwt_configuration: { alg: string; lifetime_in_seconds: number; secret_encoded: boolean };
  grant_types: string[];
  created_at: string;
}

export interface IssuedRefreshToken {
  id: string;
  refresh_token: string;
  client_id: string;
  user_id: string;
  device_name: string;
  device_id: string | null;
  scope: string;
  created_at: string;
}

export interface DelegationBody {
  token_type: string;
  expires_in: number;
  id_token: string;
}

export interface OAuthErrorBody {
  error: string;
  error_description: string;
}

export interface ManagementErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode: string;
}

export interface HistoryBody {
  events: { type: string; time: string; log_position: number; actor: string; reason: string | null; data: Record<string, unknown> }[];
}

export function expectStatus(r: HttpResponse, status: number, what: string): void {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 500)}`);
}

/** POST /api/v2/clients (default: a public native app). */
export async function createClient(svc: ServiceHandle, body: Record<string, unknown> = {}): Promise<CreatedClient> {
  const r = await svc.http.post<CreatedClient>('/api/v2/clients', {
    token: await svc.managementToken(),
    json: { name: uniqueId('app'), app_type: 'native', ...body },
  });
  expectStatus(r, 201, 'create client');
  return r.body;
}

/** POST /api/v2/refresh-tokens with offline_access. */
export async function issueRefreshToken(
  svc: ServiceHandle,
  input: { client_id: string; user_id?: string; device_name?: string; device_id?: string; scope?: string },
): Promise<IssuedRefreshToken> {
  const r = await svc.http.post<IssuedRefreshToken>('/api/v2/refresh-tokens', {
    token: await svc.managementToken(),
    json: { user_id: uniqueId('user'), device_name: 'Pixel 8', scope: 'openid offline_access', ...input },
  });
  expectStatus(r, 201, 'issue refresh token');
  return r.body;
}

/** POST /delegation with a refresh token (JSON). Returns the raw response. */
export function delegate(
  svc: ServiceHandle,
  clientId: string,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<HttpResponse<DelegationBody & OAuthErrorBody>> {
  return svc.http.post('/delegation', { json: { client_id: clientId, grant_type: JWT_BEARER, refresh_token: refreshToken, ...extra } });
}

/** GET /api/v2/refresh-tokens/{id}/history. */
export async function history(svc: ServiceHandle, credentialId: string): Promise<HistoryBody> {
  const r = await svc.http.get<HistoryBody>(`/api/v2/refresh-tokens/${encodeURIComponent(credentialId)}/history`, {
    token: await svc.managementToken(),
  });
  expectStatus(r, 200, 'history');
  return r.body;
}

/**
 * A confidential client with a client grant on the management API for
 * `scopes`, and its client_credentials token.
 */
export async function managementClientWithScopes(
  svc: ServiceHandle,
  scopes: string[],
): Promise<{ client: CreatedClient; token: string; grantId: string }> {
  const client = await createClient(svc, { app_type: 'non_interactive' });
  const grant = await svc.http.post<{ id: string }>('/api/v2/client-grants', {
    token: await svc.managementToken(),
    json: { client_id: client.client_id, audience: svc.managementAudience, scope: scopes },
  });
  expectStatus(grant, 201, 'create client grant');
  const token = await clientCredentialsToken(svc, client.client_id, client.client_secret!);
  return { client, token, grantId: grant.body.id };
}

/** client_credentials for the management API; asserts 200. */
export async function clientCredentialsToken(svc: ServiceHandle, clientId: string, secret: string, scope?: string): Promise<string> {
  const r = await svc.http.post<{ access_token: string }>('/oauth/token', {
    json: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, audience: svc.managementAudience, scope },
  });
  expectStatus(r, 200, 'client_credentials');
  return r.body.access_token;
}
