import { type CreatedClient, type ManagementErrorBody } from '../../../../../test/support/fixtures';
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
type ClientWithPolicy = CreatedClient & { refresh_token: PolicyBody; require_proof_of_possession: boolean };

const LEGACY: PolicyBody = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 2_592_000,
  infinite_token_lifetime: true,
  idle_token_lifetime: 1_296_000,
  infinite_idle_token_lifetime: true,
};
const SPA_DEFAULT: PolicyBody = { ...LEGACY, rotation_type: 'rotating', expiration_type: 'expiring', infinite_token_lifetime: false, infinite_idle_token_lifetime: false };
const ROTATING: PolicyBody = {
  rotation_type: 'rotating',
  expiration_type: 'expiring',
  leeway: 30,
  token_lifetime: 604_800,
  infinite_token_lifetime: false,
  idle_token_lifetime: 86_400,
  infinite_idle_token_lifetime: false,
};

function expectRefusal(r: HttpResponse<ManagementErrorBody>, field: string): void {
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String), errorCode: 'invalid_body' });
  expect(r.body.message).toContain(field);
}

describe.each(ADAPTERS)('management API: a client refresh-token policy (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let token: string;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
    token = await svc.managementToken();
  });
  afterAll(async () => {
    await svc?.close();
  });

  const create = (json: Record<string, unknown>) =>
    svc.http.post<ClientWithPolicy & ManagementErrorBody>('/api/v2/clients', { token, json: { name: uniqueId('policy'), ...json } });
  const get = (clientId: string) => svc.http.get<ClientWithPolicy>(`/api/v2/clients/${clientId}`, { token });

  it.each<[string, PolicyBody]>([
    ['native', LEGACY],
    ['regular_web', LEGACY],
    ['non_interactive', LEGACY],
    ['spa', SPA_DEFAULT],
  ])('gives a %s client Auth0 default policy and no proof of possession', async (appType, policy) => {
    const r = await create({ app_type: appType });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ refresh_token: policy, require_proof_of_possession: false });
    expect((await get(r.body.client_id)).body).toMatchObject({ refresh_token: policy, require_proof_of_possession: false });
  });

  it('records a policy and require_proof_of_possession as sent, shown by GET and the list', async () => {
    const r = await create({ app_type: 'native', refresh_token: ROTATING, require_proof_of_possession: true });
    expect(r.status).toBe(201);
    expect(r.body.refresh_token).toEqual(ROTATING);
    expect(r.body.require_proof_of_possession).toBe(true);

    const one = await get(r.body.client_id);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ refresh_token: ROTATING, require_proof_of_possession: true });
    const list = await svc.http.get<ClientWithPolicy[]>('/api/v2/clients', { token });
    expect(list.body.find((c) => c.client_id === r.body.client_id)).toMatchObject({ refresh_token: ROTATING, require_proof_of_possession: true });
  });

  it('fills a partial policy from the app type defaults, and switching to expiring makes the lifetimes finite', async () => {
    const r = await create({ app_type: 'regular_web', refresh_token: { expiration_type: 'expiring', token_lifetime: 3_600, idle_token_lifetime: 600 } });
    expect(r.status).toBe(201);
    expect(r.body.refresh_token).toEqual({
      ...LEGACY,
      expiration_type: 'expiring',
      token_lifetime: 3_600,
      infinite_token_lifetime: false,
      idle_token_lifetime: 600,
      infinite_idle_token_lifetime: false,
    });
  });

  describe('refuses a bad policy with 400, naming the field', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['a leeway above 300', { refresh_token: { leeway: 301 } }, 'refresh_token.leeway'],
      ['a negative leeway', { refresh_token: { leeway: -1 } }, 'refresh_token.leeway'],
      ['an unknown rotation type', { refresh_token: { rotation_type: 'sometimes' } }, 'refresh_token.rotation_type'],
      ['an unknown expiration type', { refresh_token: { expiration_type: 'soon' } }, 'refresh_token.expiration_type'],
      ['a zero lifetime', { refresh_token: { token_lifetime: 0 } }, 'refresh_token.token_lifetime'],
      ['a lifetime above a year', { refresh_token: { token_lifetime: 31_557_601 } }, 'refresh_token.token_lifetime'],
      ['a fractional idle lifetime', { refresh_token: { idle_token_lifetime: 1.5 } }, 'refresh_token.idle_token_lifetime'],
      ['a flag as text', { refresh_token: { infinite_token_lifetime: 'yes' } }, 'refresh_token.infinite_token_lifetime'],
      ['an unknown field', { refresh_token: { reuse_interval: 5 } }, 'reuse_interval'],
      ['a policy that is not an object', { refresh_token: 'rotating' }, 'refresh_token'],
      ['a require_proof_of_possession that is not a boolean', { require_proof_of_possession: 'true' }, 'require_proof_of_possession'],
      [
        'an idle lifetime above the absolute one',
        { refresh_token: { expiration_type: 'expiring', token_lifetime: 60, idle_token_lifetime: 61 } },
        'refresh_token.idle_token_lifetime: must not exceed token_lifetime',
      ],
      ['non-expiring with a finite lifetime', { refresh_token: { infinite_token_lifetime: false } }, 'refresh_token.expiration_type'],
    ])('%s', async (_case, body, field) => {
      expectRefusal(await create({ app_type: 'native', ...body }), field);
    });

    it('a spa that asks for non-expiring tokens', async () => {
      const r = await create({ app_type: 'spa', refresh_token: { expiration_type: 'non-expiring' } });
      expectRefusal(r, 'refresh_token.expiration_type: a spa client cannot have non-expiring refresh tokens');
    });
  });
});
