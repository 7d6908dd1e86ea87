/**
 * Client ids are not secrets, but which ones exist should not be learnt by
 * asking: an unknown client id and a real confidential client that sent no
 * secret get the same public answer, at /oauth/token and /oauth/revoke.
 */
import { createClient, type OAuthErrorBody } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../support/token-service';

describe('no client enumeration through error answers (sqlite)', () => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite' });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const answer = (r: HttpResponse<OAuthErrorBody>) => ({ status: r.status, body: r.body, wwwAuthenticate: r.headers.get('www-authenticate') });

  it.each([
    ['/oauth/token', { grant_type: 'client_credentials' }],
    ['/oauth/revoke', { token: 'rt_whatever' }],
  ])('answers %s without a secret the same for a real confidential client and an unknown id', async (path, form) => {
    const real = await createClient(svc, { app_type: 'non_interactive' });
    // The probe: a client id alone, once real, once made up.
    const known = await svc.http.post<OAuthErrorBody>(path, { form: { ...form, client_id: real.client_id } });
    const unknown = await svc.http.post<OAuthErrorBody>(path, { form: { ...form, client_id: uniqueId('nobody') } });

    expect(known.status).toBe(401);
    expect(known.body.error).toBe('invalid_client');
    expect(answer(known)).toEqual(answer(unknown));
  });
});
