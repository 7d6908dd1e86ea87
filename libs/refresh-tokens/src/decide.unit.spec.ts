import { DeciderSpecification } from '@app/shared/testing/decider-specification';
import { IssueRefreshToken, RevokeRefreshToken } from './commands';
import { refreshTokenDecider } from './decider';
import { RefreshTokenIssued, RefreshTokenRevoked } from './events';

const given = DeciderSpecification.for(refreshTokenDecider);

const credentialId = 'dcr_0123456789abcdef';
const tokenHash = 'a'.repeat(64);
const issuedNow = new Date('2025-01-02T03:04:05.000Z');
const revokedNow = new Date('2025-02-03T04:05:06.000Z');

const issue = (overrides: Partial<IssueRefreshToken['data']> = {}): IssueRefreshToken => ({
  type: 'IssueRefreshToken',
  data: {
    credentialId,
    tokenHash,
    clientId: 'client-1',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    deviceName: "Ada's iPhone",
    scope: 'openid offline_access',
    now: issuedNow,
    ...overrides,
  },
});

const revoke = (overrides: Partial<RevokeRefreshToken['data']> = {}): RevokeRefreshToken => ({
  type: 'RevokeRefreshToken',
  data: { credentialId, actor: 'mgmt-client', reason: 'device_credential_deleted', now: revokedNow, ...overrides },
});

const issued: RefreshTokenIssued = {
  type: 'RefreshTokenIssued',
  data: {
    credentialId,
    tokenHash,
    clientId: 'client-1',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    deviceName: "Ada's iPhone",
    scope: 'openid offline_access',
    issuedAt: '2025-01-02T03:04:05.000Z',
  },
};

const revoked: RefreshTokenRevoked = {
  type: 'RefreshTokenRevoked',
  data: {
    credentialId,
    clientId: 'client-1',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    deviceName: "Ada's iPhone",
    reason: 'device_credential_deleted',
    revokedBy: 'mgmt-client',
    revokedAt: '2025-02-03T04:05:06.000Z',
  },
};

describe('refresh-token decider', () => {
  describe('when nothing was issued yet', () => {
    it('issues a refresh token carrying the hash, never a plaintext, with the issuance time', () => {
      given([]).when(issue()).then([issued]);
    });

    it('records the scope in canonical form (single spaces, no duplicates)', () => {
      given([])
        .when(issue({ scope: '  openid  offline_access openid ' }))
        .then([{ ...issued, data: { ...issued.data, scope: 'openid offline_access' } }]);
    });

    it('accepts offline_access as the only scope token', () => {
      given([])
        .when(issue({ scope: 'offline_access' }))
        .then([{ ...issued, data: { ...issued.data, scope: 'offline_access' } }]);
    });

    describe('F1: offline_access is required', () => {
      it.each([
        ['no offline_access', 'openid profile'],
        ['offline_access only as a prefix of another token', 'openid offline_access_extra'],
        ['offline_access only as a suffix of another token', 'openid x_offline_access'],
        ['a different case', 'openid OFFLINE_ACCESS'],
      ])('refuses a scope with %s', (_label, scope) => {
        given([]).when(issue({ scope })).thenThrows('OFFLINE_ACCESS_REQUIRED');
      });
    });

    describe('refuses malformed input, naming the field', () => {
      it.each([
        ['credentialId', { credentialId: '' }],
        ['clientId', { clientId: '' }],
        ['clientId', { clientId: 'x'.repeat(257) }],
        ['clientId', { clientId: 'client\u0000' }],
        ['userId', { userId: '' }],
        ['userId', { userId: 'user\n1' }],
        ['userId', { userId: ' user-1' }],
        ['deviceId', { deviceId: '' }],
        ['deviceName', { deviceName: '' }],
        ['deviceName', { deviceName: '   ' }],
        ['deviceName', { deviceName: 'phone\u007f' }],
        ['deviceName', { deviceName: 'phone\u0085' }],
        ['deviceName', { deviceName: 'p'.repeat(257) }],
        ['scope', { scope: '' }],
        ['scope', { scope: '   ' }],
        ['scope', { scope: 'openid\toffline_access' }],
        ['scope', { scope: 'offline_access "quoted"' }],
        ['scope', { scope: 'offline_access back\\slash' }],
        ['scope', { scope: `offline_access ${'s'.repeat(2048)}` }],
        ['tokenHash', { tokenHash: 'a'.repeat(63) }],
        ['tokenHash', { tokenHash: 'a'.repeat(65) }],
        ['tokenHash', { tokenHash: 'g'.repeat(64) }],
        ['tokenHash', { tokenHash: 'A'.repeat(64) }],
        ['tokenHash', { tokenHash: 'plaintext-refresh-token' }],
        ['now', { now: new Date(Number.NaN) }],
      ] as const)('%s: %j', (field, overrides) => {
        given([]).when(issue(overrides)).thenThrows('INVALID_ARGUMENT', { field });
      });

      it('accepts a device name of exactly 256 characters', () => {
        const deviceName = 'd'.repeat(256);
        given([])
          .when(issue({ deviceName }))
          .then([{ ...issued, data: { ...issued.data, deviceName } }]);
      });

      it('checks the input before the scope rule', () => {
        given([])
          .when(issue({ clientId: '', scope: 'openid' }))
          .thenThrows('INVALID_ARGUMENT', { field: 'clientId' });
      });
    });

    it('refuses to revoke a credential that was never issued', () => {
      given([]).when(revoke()).thenThrows('CREDENTIAL_NOT_FOUND', { credentialId });
    });
  });

  describe('when active', () => {
    it('refuses a second issuance on the same credential id', () => {
      given([issued]).when(issue()).thenThrows('CREDENTIAL_ALREADY_EXISTS', { credentialId });
    });

    it('revokes, recording who, why and when', () => {
      given([issued]).when(revoke()).then([revoked]);
    });

    it('copies client, user and device from issuance into the revocation (F2)', () => {
      given([issued])
        .when(revoke({ actor: 'system', reason: 'client_deleted' }))
        .then([{ ...revoked, data: { ...revoked.data, revokedBy: 'system', reason: 'client_deleted' } }]);
    });

    describe('refuses a malformed revocation, naming the field', () => {
      it.each([
        ['actor', { actor: '' }],
        ['actor', { actor: 'a\u001b[31m' }],
        ['reason', { reason: '' }],
        ['reason', { reason: 'r'.repeat(257) }],
        ['reason', { reason: 'line\nbreak' }],
        ['credentialId', { credentialId: '' }],
        ['now', { now: new Date('not a date') }],
      ] as const)('%s: %j', (field, overrides) => {
        given([issued]).when(revoke(overrides)).thenThrows('INVALID_ARGUMENT', { field });
      });

      it('refuses a command for another credential than the loaded stream', () => {
        given([issued])
          .when(revoke({ credentialId: 'dcr_other' }))
          .thenThrows('INVALID_ARGUMENT', { field: 'credentialId' });
      });
    });

    it('accepts a reason of exactly 256 characters', () => {
      const reason = 'r'.repeat(256);
      given([issued])
        .when(revoke({ reason }))
        .then([{ ...revoked, data: { ...revoked.data, reason } }]);
    });
  });

  describe('when revoked', () => {
    it('appends nothing on a second revoke (invariant 4)', () => {
      given([issued, revoked]).when(revoke()).thenNothing();
    });

    it('appends nothing on a second revoke by someone else for another reason', () => {
      given([issued, revoked])
        .when(revoke({ actor: 'system', reason: 'user_bulk_revoke', now: new Date('2030-01-01T00:00:00Z') }))
        .thenNothing();
    });

    it('still refuses a malformed revocation rather than ignoring it', () => {
      given([issued, revoked]).when(revoke({ reason: '' })).thenThrows('INVALID_ARGUMENT', { field: 'reason' });
    });

    it('refuses a re-issuance under the same credential id', () => {
      given([issued, revoked]).when(issue()).thenThrows('CREDENTIAL_ALREADY_EXISTS');
    });
  });
});
