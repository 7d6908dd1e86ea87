import { DeciderSpecification } from '@app/shared/testing/decider-specification';
import { DeleteClient, RegisterClient } from './client-commands';
import { clientDecider } from './deciders';
import { ClientDeleted, ClientRegistered, ClientRegisteredData } from './events';
import { defaultRefreshTokenPolicy, LEGACY_REFRESH_TOKEN_POLICY } from './refresh-token-policy';

const given = DeciderSpecification.for(clientDecider);

const now = new Date('2025-05-06T07:08:09.000Z');
const later = new Date('2025-06-07T08:09:10.000Z');
const DELEGATION = [
  'http://auth0.com/oauth/legacy/grant-type/delegation/refresh_token',
  'http://auth0.com/oauth/legacy/grant-type/delegation/id_token',
];
const hash = '$scrypt$N=16384,r=8,p=1$c2FsdA$aGFzaA';
const sealed = 'v1.aes-256-gcm.bm9uY2U.c2VhbGVk';

const register = (overrides: Partial<RegisterClient['data']> = {}): RegisterClient => ({
  type: 'RegisterClient',
  data: { clientId: 'cl_1', name: 'Billing back office', appType: 'regular_web', clientSecretHash: hash, now, ...overrides },
});

const registered = (overrides: Partial<ClientRegisteredData> = {}): ClientRegistered => ({
  type: 'ClientRegistered',
  data: {
    clientId: 'cl_1',
    name: 'Billing back office',
    appType: 'regular_web',
    tokenEndpointAuthMethod: 'client_secret_post',
    clientSecretHash: hash,
    jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 36000 },
    grantTypes: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', ...DELEGATION],
    allowedClients: [],
    refreshToken: { ...LEGACY_REFRESH_TOKEN_POLICY },
    requireProofOfPossession: false,
    createdAt: '2025-05-06T07:08:09.000Z',
    ...overrides,
  },
});

const remove = (overrides: Partial<DeleteClient['data']> = {}): DeleteClient => ({
  type: 'DeleteClient',
  data: { clientId: 'cl_1', now: later, ...overrides },
});

const deleted: ClientDeleted = { type: 'ClientDeleted', data: { clientId: 'cl_1', deletedAt: '2025-06-07T08:09:10.000Z' } };

describe('client decider', () => {
  describe('when registering a new client', () => {
    describe('Auth0 defaults', () => {
      it('makes a regular_web app confidential (client_secret_post) with RS256, 36000 s and its grant types', () => {
        given([]).when(register()).then([registered()]);
      });

      it('makes a non_interactive app confidential with client_credentials only', () => {
        given([])
          .when(register({ appType: 'non_interactive' }))
          .then([registered({ appType: 'non_interactive', grantTypes: ['client_credentials'] })]);
      });

      it.each(['native', 'spa'] as const)('makes a %s app public (auth method none, no secret)', (appType) => {
        given([])
          .when(register({ appType, clientSecretHash: null }))
          .then([
            registered({
              appType,
              tokenEndpointAuthMethod: 'none',
              clientSecretHash: null,
              grantTypes: ['authorization_code', 'implicit', 'refresh_token', ...DELEGATION],
              refreshToken: defaultRefreshTokenPolicy(appType),
            }),
          ]);
      });

      it('lets an explicit auth method win over the app type default', () => {
        given([])
          .when(register({ appType: 'native', tokenEndpointAuthMethod: 'client_secret_basic' }))
          .then([
            registered({
              appType: 'native',
              tokenEndpointAuthMethod: 'client_secret_basic',
              grantTypes: ['authorization_code', 'implicit', 'refresh_token', ...DELEGATION],
            }),
          ]);
      });

      it('leaves client_credentials out of the defaults of a regular_web app made public', () => {
        given([])
          .when(register({ tokenEndpointAuthMethod: 'none', clientSecretHash: null }))
          .then([
            registered({
              tokenEndpointAuthMethod: 'none',
              clientSecretHash: null,
              grantTypes: ['authorization_code', 'implicit', 'refresh_token', ...DELEGATION],
            }),
          ]);
      });

      it('fills in the missing half of a partial jwt configuration', () => {
        given([])
          .when(register({ jwtConfiguration: { alg: 'ES256' } }))
          .then([registered({ jwtConfiguration: { alg: 'ES256', lifetimeInSeconds: 36000 } })]);
        given([])
          .when(register({ jwtConfiguration: { lifetimeInSeconds: 600 } }))
          .then([registered({ jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 600 } })]);
      });
    });

    it('keeps explicit grant types as given', () => {
      given([])
        .when(register({ grantTypes: ['refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'] }))
        .then([registered({ grantTypes: ['refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'] })]);
    });

    it('records the clients that may name it as a /delegation target', () => {
      given([])
        .when(register({ allowedClients: ['cl_app', 'cl_other'] }))
        .then([registered({ allowedClients: ['cl_app', 'cl_other'] })]);
    });

    it.each([
      ['not an array', 'cl_app'],
      ['a duplicate', ['cl_app', 'cl_app']],
      ['a blank id', ['']],
      ['more than 100 ids', Array.from({ length: 101 }, (_, i) => `cl_${i}`)],
    ])('refuses allowedClients with %s', (_case, allowedClients) => {
      given([])
        .when(register({ allowedClients: allowedClients as string[] }))
        .thenThrows('INVALID_ARGUMENT', { field: 'allowedClients' });
    });

    it('accepts an empty grant type list', () => {
      given([])
        .when(register({ grantTypes: [] }))
        .then([registered({ grantTypes: [] })]);
    });

    it.each([1, 2592000])('accepts a lifetime at the bound %i', (lifetimeInSeconds) => {
      given([])
        .when(register({ jwtConfiguration: { lifetimeInSeconds } }))
        .then([registered({ jwtConfiguration: { alg: 'RS256', lifetimeInSeconds } })]);
    });

    describe('HS256 (id_tokens signed with the client secret)', () => {
      it('keeps the sealed secret of a confidential client', () => {
        given([])
          .when(register({ jwtConfiguration: { alg: 'HS256' }, sealedClientSecret: sealed }))
          .then([registered({ jwtConfiguration: { alg: 'HS256', lifetimeInSeconds: 36000 }, sealedClientSecret: sealed })]);
      });

      it('refuses a public client', () => {
        given([])
          .when(register({ appType: 'spa', clientSecretHash: null, jwtConfiguration: { alg: 'HS256' } }))
          .thenThrows('HS256_REQUIRES_CONFIDENTIAL_CLIENT');
      });

      it('refuses a confidential client without its sealed secret', () => {
        given([])
          .when(register({ jwtConfiguration: { alg: 'HS256' } }))
          .thenThrows('SEALED_SECRET_REQUIRED');
      });

      it('refuses a sealed secret for any other alg (only a hash is kept then)', () => {
        given([])
          .when(register({ jwtConfiguration: { alg: 'RS256' }, sealedClientSecret: sealed }))
          .thenThrows('SEALED_SECRET_NOT_ALLOWED');
      });
    });

    describe('secrets', () => {
      it('refuses a confidential client without a secret hash', () => {
        given([]).when(register({ clientSecretHash: null })).thenThrows('CLIENT_SECRET_REQUIRED');
      });

      it('refuses a secret hash for a public client', () => {
        given([]).when(register({ appType: 'native' })).thenThrows('CLIENT_SECRET_NOT_ALLOWED');
      });

      it('refuses a sealed secret for a public client', () => {
        given([])
          .when(register({ appType: 'native', clientSecretHash: null, sealedClientSecret: sealed }))
          .thenThrows('CLIENT_SECRET_NOT_ALLOWED');
      });
    });

    it('refuses client_credentials for a public client (RFC 6749 §4.4)', () => {
      given([])
        .when(register({ appType: 'spa', clientSecretHash: null, grantTypes: ['refresh_token', 'client_credentials'] }))
        .thenThrows('GRANT_TYPE_NOT_ALLOWED', { grantType: 'client_credentials' });
    });

    describe('refuses malformed input, naming the field', () => {
      it.each([
        ['clientId', { clientId: '' }],
        ['clientId', { clientId: 'c\u0000' }],
        ['name', { name: '' }],
        ['name', { name: '  ' }],
        ['name', { name: 'n'.repeat(257) }],
        ['name', { name: 'tab\there' }],
        ['name', { name: '<script>' }],
        ['appType', { appType: 'desktop' }],
        ['tokenEndpointAuthMethod', { tokenEndpointAuthMethod: 'private_key_jwt' }],
        ['clientSecretHash', { clientSecretHash: '' }],
        ['clientSecretHash', { clientSecretHash: 'h'.repeat(1025) }],
        ['sealedClientSecret', { sealedClientSecret: '', jwtConfiguration: { alg: 'HS256' } }],
        ['jwtConfiguration.alg', { jwtConfiguration: { alg: 'none' } }],
        ['jwtConfiguration.alg', { jwtConfiguration: { alg: 'HS512' } }],
        ['jwtConfiguration.lifetimeInSeconds', { jwtConfiguration: { lifetimeInSeconds: 0 } }],
        ['jwtConfiguration.lifetimeInSeconds', { jwtConfiguration: { lifetimeInSeconds: -5 } }],
        ['jwtConfiguration.lifetimeInSeconds', { jwtConfiguration: { lifetimeInSeconds: 2592001 } }],
        ['jwtConfiguration.lifetimeInSeconds', { jwtConfiguration: { lifetimeInSeconds: 1.5 } }],
        ['jwtConfiguration.lifetimeInSeconds', { jwtConfiguration: { lifetimeInSeconds: Number.NaN } }],
        ['grantTypes', { grantTypes: ['magic'] }],
        ['grantTypes', { grantTypes: ['refresh_token', 'refresh_token'] }],
        ['now', { now: new Date(Number.NaN) }],
      ])('%s: %j', (field, overrides) => {
        // Untyped on purpose: the HTTP edge may let anything through.
        given([])
          .when(register(overrides as Partial<RegisterClient['data']>))
          .thenThrows('INVALID_ARGUMENT', { field });
      });
    });

    it('refuses to delete a client that was never registered', () => {
      given([]).when(remove()).thenThrows('CLIENT_NOT_FOUND', { clientId: 'cl_1' });
    });
  });

  describe('when registered', () => {
    it('refuses a second registration of the same client id', () => {
      given([registered()]).when(register()).thenThrows('CLIENT_ALREADY_EXISTS', { clientId: 'cl_1' });
    });

    it('deletes the client, recording when', () => {
      given([registered()]).when(remove()).then([deleted]);
    });

    it('refuses a delete aimed at another client than the loaded stream', () => {
      given([registered()])
        .when(remove({ clientId: 'cl_2' }))
        .thenThrows('INVALID_ARGUMENT', { field: 'clientId' });
    });

    it('refuses a malformed delete', () => {
      given([registered()]).when(remove({ now: new Date('nope') })).thenThrows('INVALID_ARGUMENT', { field: 'now' });
    });
  });

  describe('when deleted', () => {
    it('appends nothing on a second delete (idempotent)', () => {
      given([registered(), deleted]).when(remove()).thenNothing();
    });

    it('refuses to register the same client id again', () => {
      given([registered(), deleted]).when(register()).thenThrows('CLIENT_ALREADY_EXISTS');
    });
  });
});
