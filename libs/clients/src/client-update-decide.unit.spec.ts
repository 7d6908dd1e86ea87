import { DeciderSpecification } from '@app/shared/testing/decider-specification';
import { ClientChanges, UpdateClient } from './client-commands';
import { evolveClient, initialClientState } from './client-state';
import { clientDecider } from './deciders';
import { ClientDeleted, ClientEvent, ClientRegistered, ClientRegisteredData, ClientUpdated, ClientUpdatedData } from './events';
import { defaultRefreshTokenPolicy, LEGACY_REFRESH_TOKEN_POLICY } from './refresh-token-policy';

const given = DeciderSpecification.for(clientDecider);

const later = new Date('2025-06-07T08:09:10.000Z');
const DELEGATION = [
  'http://auth0.com/oauth/legacy/grant-type/delegation/refresh_token',
  'http://auth0.com/oauth/legacy/grant-type/delegation/id_token',
];
const WEB_GRANTS = ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', ...DELEGATION];
const hash = '$scrypt$N=16384,r=8,p=1$c2FsdA$aGFzaA';

const registered = (overrides: Partial<ClientRegisteredData> = {}): ClientRegistered => ({
  type: 'ClientRegistered',
  data: {
    clientId: 'cl_1',
    name: 'Billing back office',
    appType: 'regular_web',
    tokenEndpointAuthMethod: 'client_secret_post',
    clientSecretHash: hash,
    jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 36000 },
    grantTypes: WEB_GRANTS,
    allowedClients: [],
    refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY },
    requireProofOfPossession: false,
    createdAt: '2025-05-06T07:08:09.000Z',
    ...overrides,
  },
});
const spa = registered({
  appType: 'spa',
  tokenEndpointAuthMethod: 'none',
  clientSecretHash: null,
  grantTypes: ['authorization_code', 'implicit', 'refresh_token', ...DELEGATION],
  refreshToken: defaultRefreshTokenPolicy('spa'),
});
/** A registration written before allowed clients and policies existed (no such fields). */
const legacy: ClientRegistered = (() => {
  const { allowedClients: _a, refreshToken: _r, requireProofOfPossession: _p, ...data } = registered({
    grantTypes: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  }).data;
  return { type: 'ClientRegistered', data };
})();

const updateClient = (changes: ClientChanges, clientId = 'cl_1'): UpdateClient => ({ type: 'UpdateClient', data: { clientId, changes, now: later } });
const updated = (changes: ClientUpdatedData['changes']): ClientUpdated => ({
  type: 'ClientUpdated',
  data: { clientId: 'cl_1', changes, updatedAt: '2025-06-07T08:09:10.000Z' },
});
const deleted: ClientDeleted = { type: 'ClientDeleted', data: { clientId: 'cl_1', deletedAt: '2025-06-01T00:00:00.000Z' } };

describe('client decider: updating a client', () => {
  it('lays a partial policy over the current one and records it whole', () => {
    given([registered()])
      .when(updateClient({ refreshToken: { rotationType: 'rotating', leeway: 20 } }))
      .then([updated({ refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY, rotationType: 'rotating', leeway: 20 } })]);
  });

  it('lays a policy over the one a previous update recorded', () => {
    const first = updated({ refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY, rotationType: 'rotating' } });
    given([registered(), first])
      .when(updateClient({ refreshToken: { expirationType: 'expiring', tokenLifetime: 3_600, idleTokenLifetime: 600 } }))
      .then([
        updated({
          refreshToken: {
            ...LEGACY_REFRESH_TOKEN_POLICY,
            rotationType: 'rotating',
            expirationType: 'expiring',
            tokenLifetime: 3_600,
            infiniteTokenLifetime: false,
            idleTokenLifetime: 600,
            infiniteIdleTokenLifetime: false,
          },
        }),
      ]);
  });

  it('lays a policy over the legacy one of a client registered before policies existed', () => {
    given([legacy])
      .when(updateClient({ refreshToken: { leeway: 5 } }))
      .then([updated({ refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY, leeway: 5 } })]);
  });

  it('records only the fields that change', () => {
    given([registered()])
      .when(
        updateClient({
          name: 'Billing back office',
          grantTypes: ['refresh_token', ...DELEGATION],
          allowedClients: [],
          refreshToken: { rotationType: 'non-rotating' },
          requireProofOfPossession: true,
        }),
      )
      .then([updated({ grantTypes: ['refresh_token', ...DELEGATION], requireProofOfPossession: true })]);
  });

  it('renames, and changes the allowed clients', () => {
    given([registered()])
      .when(updateClient({ name: 'Billing', allowedClients: ['cl_app'] }))
      .then([updated({ name: 'Billing', allowedClients: ['cl_app'] })]);
  });

  it('appends nothing when nothing changes (same values, grant types in another order, or no field at all)', () => {
    given([registered()])
      .when(updateClient({ grantTypes: [...WEB_GRANTS].reverse(), refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY }, requireProofOfPossession: false }))
      .thenNothing();
    given([registered()]).when(updateClient({})).thenNothing();
  });

  it('compares grant types with how an old registration is read (the legacy delegation grants included)', () => {
    given([legacy]).when(updateClient({ grantTypes: WEB_GRANTS })).thenNothing();
    given([legacy])
      .when(updateClient({ grantTypes: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'] }))
      .then([updated({ grantTypes: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'] })]);
  });

  it('refuses client_credentials for a public client (RFC 6749 §4.4)', () => {
    given([spa])
      .when(updateClient({ grantTypes: ['refresh_token', 'client_credentials'] }))
      .thenThrows('GRANT_TYPE_NOT_ALLOWED', { grantType: 'client_credentials' });
  });

  it('refuses to make a spa non-expiring', () => {
    given([spa])
      .when(updateClient({ refreshToken: { expirationType: 'non-expiring' } }))
      .thenThrows('INVALID_ARGUMENT', { field: 'refreshToken.expirationType' });
  });

  it('refuses an idle lifetime above the absolute one of the current policy', () => {
    given([spa])
      .when(updateClient({ refreshToken: { tokenLifetime: 60 } }))
      .thenThrows('INVALID_ARGUMENT', { field: 'refreshToken.idleTokenLifetime' });
  });

  it.each<[string, unknown]>([
    ['name', { name: '<b>' }],
    ['grantTypes', { grantTypes: ['magic'] }],
    ['allowedClients', { allowedClients: ['a', 'a'] }],
    ['refreshToken.leeway', { refreshToken: { leeway: 301 } }],
    ['requireProofOfPossession', { requireProofOfPossession: 'yes' }],
    ['changes', { appType: 'spa' }],
    ['changes', null],
  ])('refuses a malformed change, naming %s', (field, changes) => {
    given([registered()])
      .when(updateClient(changes as ClientChanges))
      .thenThrows('INVALID_ARGUMENT', { field });
  });

  it('refuses an update of an unknown client', () => {
    given([]).when(updateClient({ name: 'x' })).thenThrows('CLIENT_NOT_FOUND', { clientId: 'cl_1' });
  });

  it('refuses an update of a deleted client', () => {
    given([registered(), deleted]).when(updateClient({ name: 'x' })).thenThrows('CLIENT_NOT_FOUND', { clientId: 'cl_1' });
  });

  it('refuses an update aimed at another client than the loaded stream', () => {
    given([registered()]).when(updateClient({ name: 'x' }, 'cl_2')).thenThrows('INVALID_ARGUMENT', { field: 'clientId' });
  });
});

describe('client state: an update', () => {
  const fold = (events: ClientEvent[]) => events.reduce(evolveClient, initialClientState());

  it('changes the named fields and keeps the rest', () => {
    const state = fold([registered(), updated({ name: 'Billing', requireProofOfPossession: true })]);
    expect(state).toEqual({ status: 'active', ...registered().data, name: 'Billing', requireProofOfPossession: true });
  });

  it('makes the legacy readings of an old registration explicit', () => {
    const state = fold([legacy, updated({ name: 'Billing' })]);
    expect(state).toMatchObject({ name: 'Billing', grantTypes: WEB_GRANTS, allowedClients: [], refreshToken: LEGACY_REFRESH_TOKEN_POLICY, requireProofOfPossession: false });
  });

  it('does nothing to a deleted or unknown client', () => {
    expect(fold([updated({ name: 'x' })])).toEqual({ status: 'none' });
    const gone = fold([registered(), deleted]);
    expect(fold([registered(), deleted, updated({ name: 'x' })])).toEqual(gone);
  });
});
