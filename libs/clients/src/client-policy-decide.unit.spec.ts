import { DeciderSpecification } from '@app/shared/testing/decider-specification';
import { RegisterClient } from './client-commands';
import { clientDecider } from './deciders';
import { ClientRegistered, ClientRegisteredData } from './events';
import { defaultRefreshTokenPolicy, LEGACY_REFRESH_TOKEN_POLICY, type RefreshTokenPolicy } from './refresh-token-policy';

/** The refresh-token policy and proof of possession of a client: how registration records them. */
const given = DeciderSpecification.for(clientDecider);

const now = new Date('2025-05-06T07:08:09.000Z');
const DELEGATION = [
  'http://auth0.com/oauth/legacy/grant-type/delegation/refresh_token',
  'http://auth0.com/oauth/legacy/grant-type/delegation/id_token',
];
const PUBLIC_GRANTS = ['authorization_code', 'implicit', 'refresh_token', ...DELEGATION];

const register = (overrides: Partial<RegisterClient['data']> = {}): RegisterClient => ({
  type: 'RegisterClient',
  data: { clientId: 'cl_1', name: 'Mobile', appType: 'native', clientSecretHash: null, now, ...overrides },
});

const registered = (overrides: Partial<ClientRegisteredData> = {}): ClientRegistered => ({
  type: 'ClientRegistered',
  data: {
    clientId: 'cl_1',
    name: 'Mobile',
    appType: 'native',
    tokenEndpointAuthMethod: 'none',
    clientSecretHash: null,
    jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 36000 },
    grantTypes: PUBLIC_GRANTS,
    allowedClients: [],
    refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY },
    requireProofOfPossession: false,
    createdAt: '2025-05-06T07:08:09.000Z',
    ...overrides,
  },
});

const rotating: RefreshTokenPolicy = {
  rotationType: 'rotating',
  expirationType: 'expiring',
  leeway: 10,
  tokenLifetime: 604_800,
  infiniteTokenLifetime: false,
  idleTokenLifetime: 86_400,
  infiniteIdleTokenLifetime: false,
};

describe('client decider: refresh-token policy at registration', () => {
  it('records the legacy policy for a native app that sends none', () => {
    given([]).when(register()).then([registered()]);
  });

  it('records rotation and expiry for a spa that sends none (Auth0)', () => {
    given([])
      .when(register({ appType: 'spa' }))
      .then([registered({ appType: 'spa', refreshToken: defaultRefreshTokenPolicy('spa') })]);
  });

  it('records a full policy as sent', () => {
    given([])
      .when(register({ refreshToken: rotating }))
      .then([registered({ refreshToken: rotating })]);
  });

  it('fills a partial policy from the app type defaults', () => {
    given([])
      .when(register({ refreshToken: { rotationType: 'rotating', leeway: 5 } }))
      .then([registered({ refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY, rotationType: 'rotating', leeway: 5 } })]);
    given([])
      .when(register({ appType: 'spa', refreshToken: { tokenLifetime: 3_600, idleTokenLifetime: 600 } }))
      .then([registered({ appType: 'spa', refreshToken: { ...defaultRefreshTokenPolicy('spa'), tokenLifetime: 3_600, idleTokenLifetime: 600 } })]);
  });

  it('records require_proof_of_possession', () => {
    given([])
      .when(register({ requireProofOfPossession: true }))
      .then([registered({ requireProofOfPossession: true })]);
  });

  it('refuses a spa with non-expiring tokens', () => {
    given([])
      .when(register({ appType: 'spa', refreshToken: { expirationType: 'non-expiring' } }))
      .thenThrows('INVALID_ARGUMENT', { field: 'refreshToken.expirationType' });
  });

  it.each<[string, unknown]>([
    ['refreshToken.leeway', { leeway: 301 }],
    ['refreshToken.rotationType', { rotationType: 'always' }],
    ['refreshToken.idleTokenLifetime', { expirationType: 'expiring', tokenLifetime: 60, idleTokenLifetime: 120 }],
    ['refreshToken', 'rotating'],
  ])('refuses a malformed policy, naming %s', (field, refreshToken) => {
    given([])
      .when(register({ refreshToken: refreshToken as RegisterClient['data']['refreshToken'] }))
      .thenThrows('INVALID_ARGUMENT', { field });
  });

  it('refuses a require_proof_of_possession that is not a boolean', () => {
    given([])
      .when(register({ requireProofOfPossession: 'yes' as unknown as boolean }))
      .thenThrows('INVALID_ARGUMENT', { field: 'requireProofOfPossession' });
  });
});
