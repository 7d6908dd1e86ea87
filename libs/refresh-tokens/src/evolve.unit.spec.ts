import { RefreshTokenEvent, RefreshTokenExchanged, RefreshTokenIssued, RefreshTokenRevoked, RefreshTokenRotated } from './events';
import { evolve } from './evolve';
import { familyAtIssuance, initialState, RefreshTokenState } from './state';

const issued: RefreshTokenIssued = {
  type: 'RefreshTokenIssued',
  data: {
    credentialId: 'dcr_1',
    tokenHash: 'b'.repeat(64),
    clientId: 'client-1',
    userId: 'user-1',
    deviceId: 'device-1',
    deviceName: 'Laptop',
    scope: 'openid offline_access',
    issuedAt: '2025-01-01T00:00:00.000Z',
  },
};

const revokedBy = (revokedBy: string, reason: string, revokedAt: string): RefreshTokenRevoked => ({
  type: 'RefreshTokenRevoked',
  data: {
    credentialId: 'dcr_1',
    clientId: 'client-1',
    userId: 'user-1',
    deviceId: 'device-1',
    deviceName: 'Laptop',
    reason,
    revokedBy,
    revokedAt,
  },
});

const firstRevocation = revokedBy('admin', 'lost phone', '2025-02-01T00:00:00.000Z');
const fold = (events: RefreshTokenEvent[]): RefreshTokenState => events.reduce(evolve, initialState());

const otherIssuance: RefreshTokenIssued = {
  ...issued,
  data: { ...issued.data, tokenHash: 'c'.repeat(64), clientId: 'client-2', userId: 'user-2', issuedAt: '2026-01-01T00:00:00.000Z' },
};

describe('refresh-token state', () => {
  describe('when nothing happened', () => {
    it('does not exist', () => {
      expect(initialState()).toEqual({ status: 'none' });
    });

    it('ignores a revocation with no issuance before it (a recorded fact is never rejected)', () => {
      expect(fold([firstRevocation])).toEqual({ status: 'none' });
    });
  });

  describe('when issued', () => {
    it('is active, with everything issuance fixed', () => {
      const state = fold([issued]);
      expect(state).toEqual({ status: 'active', ...issued.data, ...familyAtIssuance(issued.data.tokenHash) });
    });

    it('keeps the first issuance if the log holds another one (F2)', () => {
      expect(fold([issued, otherIssuance])).toEqual({ status: 'active', ...issued.data, ...familyAtIssuance(issued.data.tokenHash) });
    });
  });

  describe('when revoked', () => {
    it('is revoked, with who, why and when', () => {
      const state = fold([issued, firstRevocation]);
      expect(state).toEqual({
        status: 'revoked',
        ...issued.data,
        ...familyAtIssuance(issued.data.tokenHash),
        revokedBy: 'admin',
        reason: 'lost phone',
        revokedAt: '2025-02-01T00:00:00.000Z',
      });
    });

    it.each<[string, RefreshTokenEvent[]]>([
      ['another revocation', [revokedBy('system', 'client_deleted', '2025-03-01T00:00:00.000Z')]],
      ['a new issuance', [issued]],
      ['an issuance of other data', [otherIssuance]],
      ['issuance then revocation again', [issued, revokedBy('x', 'y', '2027-01-01T00:00:00.000Z')]],
    ])('stays revoked, with the first revocation, whatever comes next: %s', (_label, next) => {
      const before = fold([issued, firstRevocation]);
      const after = fold([issued, firstRevocation, ...next]);
      expect(after).toEqual(before);
    });
  });

  describe('when rotated', () => {
    const rotated = (generation: number, previousTokenHash: string, tokenHash: string, rotatedAt: string): RefreshTokenRotated => ({
      type: 'RefreshTokenRotated',
      data: {
        credentialId: 'dcr_1',
        clientId: 'client-1',
        userId: 'user-1',
        deviceId: 'device-1',
        generation,
        tokenHash,
        previousTokenHash,
        rotatedAt,
        expiresAt: '2025-02-01T00:00:00.000Z',
        idleExpiresAt: null,
      },
    });
    const first = rotated(1, 'b'.repeat(64), 'd'.repeat(64), '2025-01-05T00:00:00.000Z');

    it('has the new head and generation, names the spent secret, keeps what issuance fixed', () => {
      expect(fold([issued, first])).toEqual({
        status: 'active',
        ...issued.data,
        headHash: 'd'.repeat(64),
        generation: 1,
        previousHash: 'b'.repeat(64),
        rotatedAt: '2025-01-05T00:00:00.000Z',
        lastExchangedAt: '2025-01-05T00:00:00.000Z',
        headExchanged: false,
        expiresAt: '2025-02-01T00:00:00.000Z',
        idleExpiresAt: null,
      });
    });

    it('ignores a rotation that does not follow the head (a second branch never applies)', () => {
      const branch = rotated(1, 'b'.repeat(64), 'e'.repeat(64), '2025-01-05T00:00:01.000Z');
      expect(fold([issued, first, branch])).toEqual(fold([issued, first]));
    });

    it('marks the head exchanged on a record of use, and a rotation after revocation changes nothing', () => {
      const used: RefreshTokenExchanged = {
        type: 'RefreshTokenExchanged',
        data: { credentialId: 'dcr_1', exchangedAt: '2025-01-06T00:00:00.000Z', expiresAt: null, idleExpiresAt: '2025-01-07T00:00:00.000Z' },
      };
      expect(fold([issued, first, used])).toMatchObject({ headExchanged: true, lastExchangedAt: '2025-01-06T00:00:00.000Z', idleExpiresAt: '2025-01-07T00:00:00.000Z' });
      expect(fold([issued, firstRevocation, first])).toEqual(fold([issued, firstRevocation]));
    });
  });

  it('does not mutate the state it is given', () => {
    const active = Object.freeze(fold([issued]));
    expect(() => evolve(active, firstRevocation)).not.toThrow();
    expect(active.status).toBe('active');
  });
});
