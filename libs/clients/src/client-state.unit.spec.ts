import { defaultGrantTypes, isPublicClient, resolveTokenEndpointAuthMethod } from './client-defaults';
import { evolveClientGrant, initialClientGrantState, isActiveClientGrant } from './client-grant-state';
import { evolveClient, initialClientState, isActiveClient } from './client-state';
import { ClientDeleted, ClientEvent, ClientGrantCreated, ClientGrantDeleted, ClientRegistered } from './events';

const registered: ClientRegistered = {
  type: 'ClientRegistered',
  data: {
    clientId: 'cl_1',
    name: 'App',
    appType: 'spa',
    tokenEndpointAuthMethod: 'none',
    clientSecretHash: null,
    jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 36000 },
    grantTypes: ['refresh_token'],
    createdAt: '2025-01-01T00:00:00.000Z',
  },
};
const deleted: ClientDeleted = { type: 'ClientDeleted', data: { clientId: 'cl_1', deletedAt: '2025-02-01T00:00:00.000Z' } };
const fold = (events: ClientEvent[]) => events.reduce(evolveClient, initialClientState());

describe('client state', () => {
  it('does not exist before any event', () => {
    expect(isActiveClient(initialClientState())).toBe(false);
  });

  it('is active after registration, with what was registered', () => {
    const state = fold([registered]);
    expect(state).toEqual({ status: 'active', ...registered.data });
    expect(isActiveClient(state)).toBe(true);
  });

  it('is deleted, for good, after deletion', () => {
    const state = fold([registered, deleted]);
    expect(state).toEqual({ status: 'deleted', ...registered.data, deletedAt: '2025-02-01T00:00:00.000Z' });
    expect(isActiveClient(state)).toBe(false);
    expect(fold([registered, deleted, registered, deleted])).toEqual(state);
  });

  it('ignores a deletion with no registration before it', () => {
    expect(fold([deleted])).toEqual({ status: 'none' });
  });

  it('keeps the first registration if the log holds another one', () => {
    const other: ClientRegistered = { ...registered, data: { ...registered.data, name: 'Renamed' } };
    expect(fold([registered, other])).toEqual(fold([registered]));
  });
});

describe('client-grant state', () => {
  const created: ClientGrantCreated = {
    type: 'ClientGrantCreated',
    data: { grantId: 'g', clientId: 'cl_1', audience: 'aud', scope: ['a'], createdAt: '2025-01-01T00:00:00.000Z' },
  };
  const removed: ClientGrantDeleted = {
    type: 'ClientGrantDeleted',
    data: { grantId: 'g', clientId: 'cl_1', deletedAt: '2025-02-01T00:00:00.000Z' },
  };
  const fold = (events: (ClientGrantCreated | ClientGrantDeleted)[]) =>
    events.reduce(evolveClientGrant, initialClientGrantState());

  it('goes none, active, deleted, and stays deleted', () => {
    expect(isActiveClientGrant(fold([]))).toBe(false);
    expect(isActiveClientGrant(fold([created]))).toBe(true);
    const gone = fold([created, removed]);
    expect(gone).toEqual({ status: 'deleted', ...created.data, deletedAt: '2025-02-01T00:00:00.000Z' });
    expect(fold([created, removed, created])).toEqual(gone);
  });
});

describe('client defaults (Auth0)', () => {
  it.each([
    ['native', 'none'],
    ['spa', 'none'],
    ['regular_web', 'client_secret_post'],
    ['non_interactive', 'client_secret_post'],
  ] as const)('defaults a %s app to %s', (appType, method) => {
    expect(resolveTokenEndpointAuthMethod(appType)).toBe(method);
  });

  it('lets an explicit method win', () => {
    expect(resolveTokenEndpointAuthMethod('spa', 'client_secret_basic')).toBe('client_secret_basic');
  });

  it('calls only the none method public', () => {
    expect(isPublicClient('none')).toBe(true);
    expect(isPublicClient('client_secret_post')).toBe(false);
    expect(isPublicClient('client_secret_basic')).toBe(false);
  });

  it('hands out a fresh grant type array each time', () => {
    const first = defaultGrantTypes('regular_web');
    first.push('password');
    expect(defaultGrantTypes('regular_web')).not.toContain('password');
  });
});
