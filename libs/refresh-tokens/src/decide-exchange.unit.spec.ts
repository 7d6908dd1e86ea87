import { DeciderSpecification } from '@app/shared/testing/decider-specification';
import type { ExchangeRefreshToken, RefreshTokenExchangePolicy } from './commands';
import { refreshTokenDecider } from './decider';
import type { RefreshTokenExchanged, RefreshTokenIssued, RefreshTokenRevoked, RefreshTokenRotated } from './events';

const given = DeciderSpecification.for(refreshTokenDecider);

const credentialId = 'dcr_family';
const h = (c: string): string => c.repeat(64);
const [H0, H1, H2, H3] = [h('0'), h('1'), h('2'), h('3')];
const at = (iso: string): Date => new Date(iso);

const LEGACY: RefreshTokenExchangePolicy = Object.freeze({
  rotationType: 'non-rotating',
  expirationType: 'non-expiring',
  leeway: 0,
  tokenLifetime: 2_592_000,
  infiniteTokenLifetime: true,
  idleTokenLifetime: 1_296_000,
  infiniteIdleTokenLifetime: true,
});
/** Rotating, 10 s leeway, 1 day absolute, 1 hour idle. */
const ROTATING: RefreshTokenExchangePolicy = Object.freeze({
  rotationType: 'rotating',
  expirationType: 'expiring',
  leeway: 10,
  tokenLifetime: 86_400,
  infiniteTokenLifetime: false,
  idleTokenLifetime: 3_600,
  infiniteIdleTokenLifetime: false,
});
const IDLE_ONLY: RefreshTokenExchangePolicy = Object.freeze({ ...ROTATING, rotationType: 'non-rotating', infiniteTokenLifetime: true });

const issued: RefreshTokenIssued = {
  type: 'RefreshTokenIssued',
  data: {
    credentialId,
    tokenHash: H0,
    clientId: 'client-1',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    deviceName: 'Phone',
    scope: 'openid offline_access',
    issuedAt: '2025-01-01T00:00:00.000Z',
  },
};

const exchange = (presentedHash: string, successorHash: string, now: Date, policy = ROTATING): ExchangeRefreshToken => ({
  type: 'ExchangeRefreshToken',
  data: { credentialId, presentedHash, successorHash, policy, now },
});

const rotation = (generation: number, previousTokenHash: string, tokenHash: string, rotatedAt: string, idleExpiresAt: string): RefreshTokenRotated => ({
  type: 'RefreshTokenRotated',
  data: {
    credentialId,
    clientId: 'client-1',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    generation,
    tokenHash,
    previousTokenHash,
    rotatedAt,
    expiresAt: '2025-01-02T00:00:00.000Z',
    idleExpiresAt,
  },
});

const rotated1 = rotation(1, H0, H1, '2025-01-01T00:10:00.000Z', '2025-01-01T01:10:00.000Z');
const rotated2 = rotation(2, H1, H2, '2025-01-01T00:20:00.000Z', '2025-01-01T01:20:00.000Z');

const reuse = (revokedAt: string): RefreshTokenRevoked => ({
  type: 'RefreshTokenRevoked',
  data: {
    credentialId,
    clientId: 'client-1',
    userId: 'auth0|user-1',
    deviceId: 'device-1',
    deviceName: 'Phone',
    reason: 'reuse_detected',
    revokedBy: 'system',
    revokedAt,
  },
});

describe('refresh-token decider: exchange', () => {
  describe('rotating policy', () => {
    it('rotates the head: next generation, new hash, the spent one named, absolute expiry kept, idle renewed', () => {
      given([issued]).when(exchange(H0, H1, at('2025-01-01T00:10:00.000Z'))).then([rotated1]);
    });

    it('rotates again from the new head, never extending the absolute expiry', () => {
      given([issued, rotated1]).when(exchange(H1, H2, at('2025-01-01T00:20:00.000Z'))).then([rotated2]);
    });

    it('answers the predecessor inside the window with nothing (the handler re-answers the same successor)', () => {
      given([issued, rotated1]).when(exchange(H0, H1, at('2025-01-01T00:10:10.000Z'))).thenNothing();
    });

    it('treats a request stamped before the rotation as a concurrent loser, even with a leeway of 0', () => {
      given([issued, rotated1])
        .when(exchange(H0, H1, at('2025-01-01T00:09:59.000Z'), { ...ROTATING, leeway: 0 }))
        .thenNothing();
    });

    it('revokes the family when the predecessor comes back after the window (reuse)', () => {
      given([issued, rotated1]).when(exchange(H0, H1, at('2025-01-01T00:10:10.001Z'))).then([reuse('2025-01-01T00:10:10.001Z')]);
    });

    it('revokes the family when the predecessor comes back with a leeway of 0, after the rotation', () => {
      given([issued, rotated1])
        .when(exchange(H0, H1, at('2025-01-01T00:10:00.001Z'), { ...ROTATING, leeway: 0 }))
        .then([reuse('2025-01-01T00:10:00.001Z')]);
    });

    it('revokes the family when an older generation comes back, even inside the window of the last rotation', () => {
      given([issued, rotated1, rotated2]).when(exchange(H0, H1, at('2025-01-01T00:20:01.000Z'))).then([reuse('2025-01-01T00:20:01.000Z')]);
    });

    it('revokes the family when the predecessor comes back after its successor was used', () => {
      const used: RefreshTokenExchanged = {
        type: 'RefreshTokenExchanged',
        data: { credentialId, exchangedAt: '2025-01-01T00:10:05.000Z', expiresAt: '2025-01-02T00:00:00.000Z', idleExpiresAt: '2025-01-01T01:10:05.000Z' },
      };
      given([issued, rotated1, used]).when(exchange(H0, H1, at('2025-01-01T00:10:06.000Z'))).then([reuse('2025-01-01T00:10:06.000Z')]);
    });

    it('refuses a revoked family, whichever of its secrets is presented, appending nothing', () => {
      given([issued, rotated1, reuse('2025-01-01T00:30:00.000Z')])
        .when(exchange(H1, H2, at('2025-01-01T00:31:00.000Z')))
        .thenThrows('CREDENTIAL_REVOKED', { credentialId });
    });

    it('refuses a window answer whose derived successor is not the head (never a second branch)', () => {
      given([issued, rotated1]).when(exchange(H0, H3, at('2025-01-01T00:10:01.000Z'))).thenThrows('INVALID_ARGUMENT', { field: 'successorHash' });
    });
  });

  describe('lifetimes', () => {
    it('refuses after the absolute lifetime, counted from issuance, however recent the last rotation', () => {
      const late = rotation(1, H0, H1, '2025-01-01T23:59:00.000Z', '2025-01-02T00:59:00.000Z');
      given([issued, late]).when(exchange(H1, H2, at('2025-01-02T00:00:00.000Z'))).thenThrows('REFRESH_TOKEN_EXPIRED', { expiredAt: '2025-01-02T00:00:00.000Z' });
    });

    it('refuses after the idle lifetime since the last exchange', () => {
      given([issued, rotated1]).when(exchange(H1, H2, at('2025-01-01T01:10:00.000Z'))).thenThrows('REFRESH_TOKEN_EXPIRED');
    });

    it('accepts just before the idle lifetime runs out', () => {
      const now = at('2025-01-01T01:09:59.999Z');
      given([issued, rotated1])
        .when(exchange(H1, H2, now))
        .then([rotation(2, H1, H2, now.toISOString(), '2025-01-01T02:09:59.999Z')]);
    });

    it('refuses an expired token before judging reuse: nothing appended', () => {
      given([issued, rotated1]).when(exchange(H0, H1, at('2025-01-03T00:00:00.000Z'))).thenThrows('REFRESH_TOKEN_EXPIRED');
    });

    it('keeps what an expiring exchange recorded when the client turns expiry off again (one-way)', () => {
      given([issued, rotated1]).when(exchange(H1, H2, at('2025-01-01T02:00:00.000Z'), LEGACY)).thenThrows('REFRESH_TOKEN_EXPIRED');
    });

    it('applies a policy turned expiring at the next exchange, from issuance', () => {
      given([issued]).when(exchange(H0, H1, at('2025-01-02T00:00:00.000Z'), ROTATING)).thenThrows('REFRESH_TOKEN_EXPIRED');
    });
  });

  describe('idle-expiring, non-rotating policy', () => {
    const used = (exchangedAt: string, idleExpiresAt: string): RefreshTokenExchanged => ({
      type: 'RefreshTokenExchanged',
      data: { credentialId, exchangedAt, expiresAt: null, idleExpiresAt },
    });

    it('records the first use, renewing the idle lifetime', () => {
      given([issued])
        .when(exchange(H0, H1, at('2025-01-01T00:30:00.000Z'), IDLE_ONLY))
        .then([used('2025-01-01T00:30:00.000Z', '2025-01-01T01:30:00.000Z')]);
    });

    it('records nothing again inside min(60 s, idle / 10)', () => {
      given([issued, used('2025-01-01T00:30:00.000Z', '2025-01-01T01:30:00.000Z')])
        .when(exchange(H0, H1, at('2025-01-01T00:30:59.999Z'), IDLE_ONLY))
        .thenNothing();
    });

    it('records again once the interval has passed', () => {
      given([issued, used('2025-01-01T00:30:00.000Z', '2025-01-01T01:30:00.000Z')])
        .when(exchange(H0, H1, at('2025-01-01T00:31:00.000Z'), IDLE_ONLY))
        .then([used('2025-01-01T00:31:00.000Z', '2025-01-01T01:31:00.000Z')]);
    });

    it('uses idle / 10 when it is shorter than 60 s', () => {
      const short = { ...IDLE_ONLY, idleTokenLifetime: 100 };
      given([issued, used('2025-01-01T00:30:00.000Z', '2025-01-01T00:31:40.000Z')])
        .when(exchange(H0, H1, at('2025-01-01T00:30:10.000Z'), short))
        .then([used('2025-01-01T00:30:10.000Z', '2025-01-01T00:31:50.000Z')]);
    });
  });

  describe('legacy policy (non-rotating, non-expiring)', () => {
    it('appends nothing for the head', () => {
      given([issued]).when(exchange(H0, H1, at('2030-01-01T00:00:00.000Z'), LEGACY)).thenNothing();
    });

    it('still revokes on a spent secret of a family that rotated before the client went back to legacy', () => {
      const unbounded = rotation(1, H0, H1, '2025-01-01T00:10:00.000Z', '2025-01-01T01:10:00.000Z');
      const noLifetime = { ...unbounded, data: { ...unbounded.data, expiresAt: null, idleExpiresAt: null } };
      given([issued, noLifetime]).when(exchange(H0, H1, at('2025-06-01T00:00:00.000Z'), LEGACY)).then([reuse('2025-06-01T00:00:00.000Z')]);
    });
  });

  describe('refuses malformed input, naming the field', () => {
    it.each([
      ['presentedHash', exchange('plaintext', H1, at('2025-01-01T00:00:01.000Z'))],
      ['successorHash', exchange(H0, 'A'.repeat(64), at('2025-01-01T00:00:01.000Z'))],
      ['successorHash', exchange(H0, H0, at('2025-01-01T00:00:01.000Z'))],
      ['policy', exchange(H0, H1, at('2025-01-01T00:00:01.000Z'), { ...ROTATING, leeway: -1 })],
      ['now', exchange(H0, H1, new Date(Number.NaN))],
    ] as const)('%s', (field, command) => {
      given([issued]).when(command).thenThrows('INVALID_ARGUMENT', { field });
    });

    it('refuses a credential that was never issued', () => {
      given([]).when(exchange(H0, H1, at('2025-01-01T00:00:01.000Z'))).thenThrows('CREDENTIAL_NOT_FOUND');
    });
  });
});
