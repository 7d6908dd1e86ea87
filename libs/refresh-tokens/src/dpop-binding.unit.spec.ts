import { DeciderSpecification } from '@app/shared/testing/decider-specification';
import type { IssueRefreshToken, RevokeRefreshToken } from './commands';
import { refreshTokenDecider } from './decider';
import type { RefreshTokenIssued } from './events';

const given = DeciderSpecification.for(refreshTokenDecider);

const credentialId = 'dcr_0123456789abcdef';
const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'; // RFC 7638 §3.1's example thumbprint
const issuedAt = '2025-01-02T03:04:05.000Z';

const issue = (overrides: Partial<IssueRefreshToken['data']> = {}): IssueRefreshToken => ({
  type: 'IssueRefreshToken',
  data: {
    credentialId,
    tokenHash: 'b'.repeat(64),
    clientId: 'public-app',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    deviceName: 'Phone',
    scope: 'openid offline_access',
    now: new Date(issuedAt),
    ...overrides,
  },
});

const issued = (dpopJkt?: string): RefreshTokenIssued => ({
  type: 'RefreshTokenIssued',
  data: {
    credentialId,
    tokenHash: 'b'.repeat(64),
    clientId: 'public-app',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    deviceName: 'Phone',
    scope: 'openid offline_access',
    issuedAt,
    ...(dpopJkt !== undefined && { dpopJkt }),
  },
});

describe('refresh-token decider: DPoP binding (RFC 9449, F15)', () => {
  describe('when issuing with a key thumbprint', () => {
    it('records the thumbprint in RefreshTokenIssued', () => {
      given([]).when(issue({ dpopJkt: jkt })).then([issued(jkt)]);
    });

    it.each([
      ['too short', jkt.slice(1)],
      ['padded', `${jkt.slice(0, 42)}=`],
      ['not base64url', `${jkt.slice(0, 42)}+`],
      ['empty', ''],
    ])('refuses a thumbprint that is %s', (_, dpopJkt) => {
      given([]).when(issue({ dpopJkt })).thenThrows('INVALID_ARGUMENT', { field: 'dpopJkt' });
    });
  });

  describe('when the client requires proof of possession', () => {
    it('refuses an unbound token', () => {
      given([]).when(issue({ clientRequiresProofOfPossession: true })).thenThrows('DPOP_BINDING_REQUIRED');
    });

    it('issues a bound one, recording only the thumbprint (not the policy)', () => {
      given([]).when(issue({ clientRequiresProofOfPossession: true, dpopJkt: jkt })).then([issued(jkt)]);
    });
  });

  describe('when the client does not require it', () => {
    it('issues an unbound token with no dpopJkt field at all', () => {
      given([]).when(issue({ clientRequiresProofOfPossession: false })).then([issued()]);
    });
  });

  describe('when a bound token is revoked', () => {
    it('revokes it as any other (the binding changes nothing)', () => {
      const revoke: RevokeRefreshToken = { type: 'RevokeRefreshToken', data: { credentialId, actor: 'admin', reason: 'lost', now: new Date('2025-02-01T00:00:00Z') } };
      given([issued(jkt)])
        .when(revoke)
        .then([
          {
            type: 'RefreshTokenRevoked',
            data: { credentialId, clientId: 'public-app', userId: 'auth0|user-1', deviceId: 'device-1', deviceName: 'Phone', reason: 'lost', revokedBy: 'admin', revokedAt: '2025-02-01T00:00:00.000Z' },
          },
        ]);
    });
  });
});
