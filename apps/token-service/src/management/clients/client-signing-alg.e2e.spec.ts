/**
 * A client's `jwt_configuration.alg` must name an algorithm the service can
 * sign with: one without a key is refused when the client is created (400),
 * instead of answering 500 at every delegation afterwards.
 */
import { FixedClock } from '@app/shared';
import { generateSigningKey } from '@app/signing';
import { delegate, issueRefreshToken, type ManagementErrorBody } from '../../../../../test/support/fixtures';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

describe('client creation and the signing keys (sqlite, SIGNING_KEYS with RS256 only)', () => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    const rs256 = await generateSigningKey('RS256', { createdAt: new FixedClock(new Date()).now() });
    svc = await startTokenService({ adapter: 'sqlite', env: { SIGNING_KEYS: JSON.stringify({ keys: [rs256] }) } });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const create = async (alg: string) =>
    svc.http.post<ManagementErrorBody & { client_id: string }>('/api/v2/clients', {
      token: await svc.managementToken(),
      json: { name: uniqueId('app'), app_type: 'native', jwt_configuration: { alg } },
    });

  it.each(['ES256', 'EdDSA'])('refuses a client with alg %s (no such key) with 400 naming the algorithm, and creates nothing', async (alg) => {
    const r = await create(alg);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining(`${alg} is not available`), errorCode: 'invalid_body' });
    const listed = await svc.http.get<{ jwt_configuration: { alg: string } }[]>('/api/v2/clients', { token: await svc.managementToken() });
    expect(listed.body.filter((c) => c.jwt_configuration.alg === alg)).toEqual([]);
  });

  it('creates a client with an algorithm it has a key for, and delegates for it', async () => {
    const r = await create('RS256');
    expect(r.status).toBe(201);
    const issued = await issueRefreshToken(svc, { client_id: r.body.client_id });
    expect((await delegate(svc, r.body.client_id, issued.refresh_token)).status).toBe(200);
  });
});
