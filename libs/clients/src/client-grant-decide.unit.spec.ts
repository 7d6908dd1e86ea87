import { DeciderSpecification } from '@app/shared/testing/decider-specification';
import { CreateClientGrant, DeleteClientGrant } from './client-grant-commands';
import { clientGrantDecider } from './deciders';
import { ClientGrantCreated, ClientGrantDeleted } from './events';

const given = DeciderSpecification.for(clientGrantDecider);

const audience = 'http://localhost:3000/api/v2/';
const create = (overrides: Partial<CreateClientGrant['data']> = {}): CreateClientGrant => ({
  type: 'CreateClientGrant',
  data: {
    grantId: 'cgr_1',
    clientId: 'cl_1',
    audience,
    scope: ['read:clients', 'delete:refresh_tokens'],
    now: new Date('2025-01-01T00:00:00.000Z'),
    ...overrides,
  },
});
const remove = (overrides: Partial<DeleteClientGrant['data']> = {}): DeleteClientGrant => ({
  type: 'DeleteClientGrant',
  data: { grantId: 'cgr_1', now: new Date('2025-02-01T00:00:00.000Z'), ...overrides },
});

const created: ClientGrantCreated = {
  type: 'ClientGrantCreated',
  data: {
    grantId: 'cgr_1',
    clientId: 'cl_1',
    audience,
    scope: ['read:clients', 'delete:refresh_tokens'],
    createdAt: '2025-01-01T00:00:00.000Z',
  },
};
const deleted: ClientGrantDeleted = {
  type: 'ClientGrantDeleted',
  data: { grantId: 'cgr_1', clientId: 'cl_1', deletedAt: '2025-02-01T00:00:00.000Z' },
};

describe('client-grant decider', () => {
  describe('when nothing was created yet', () => {
    it('creates the grant with its scopes in order', () => {
      given([]).when(create()).then([created]);
    });

    it('accepts a grant of no scope', () => {
      given([])
        .when(create({ scope: [] }))
        .then([{ ...created, data: { ...created.data, scope: [] } }]);
    });

    describe('refuses malformed input, naming the field', () => {
      it.each([
        ['grantId', { grantId: '' }],
        ['clientId', { clientId: '' }],
        ['clientId', { clientId: 'cl\n1' }],
        ['audience', { audience: '' }],
        ['audience', { audience: ` ${audience}` }],
        ['audience', { audience: 'a'.repeat(1025) }],
        ['scope', { scope: 'read:clients' }],
        ['scope', { scope: [''] }],
        ['scope', { scope: ['read:clients', 'read:clients'] }],
        ['scope', { scope: ['read clients'] }],
        ['scope', { scope: ['read"clients'] }],
        ['scope', { scope: [42] }],
        ['scope', { scope: Array.from({ length: 1001 }, (_, i) => `s${i}`) }],
        ['now', { now: new Date(Number.NaN) }],
      ])('%s: %j', (field, overrides) => {
        given([])
          .when(create(overrides as Partial<CreateClientGrant['data']>))
          .thenThrows('INVALID_ARGUMENT', { field });
      });
    });

    it('refuses to delete a grant that was never created', () => {
      given([]).when(remove()).thenThrows('CLIENT_GRANT_NOT_FOUND', { grantId: 'cgr_1' });
    });
  });

  describe('when created', () => {
    it('refuses a second creation under the same grant id', () => {
      given([created]).when(create()).thenThrows('CLIENT_GRANT_ALREADY_EXISTS', { grantId: 'cgr_1' });
    });

    it('deletes the grant, copying its client id', () => {
      given([created]).when(remove()).then([deleted]);
    });

    it('refuses a delete aimed at another grant than the loaded stream', () => {
      given([created]).when(remove({ grantId: 'cgr_2' })).thenThrows('INVALID_ARGUMENT', { field: 'grantId' });
    });
  });

  describe('when deleted', () => {
    it('appends nothing on a second delete (idempotent)', () => {
      given([created, deleted]).when(remove()).thenNothing();
    });

    it('refuses to create the same grant id again', () => {
      given([created, deleted]).when(create()).thenThrows('CLIENT_GRANT_ALREADY_EXISTS');
    });
  });
});
