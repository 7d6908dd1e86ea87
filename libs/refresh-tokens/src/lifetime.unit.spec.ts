import { familyLifetime, isExpired, recordsUse, type FamilyTimes, type RefreshTokenLifetimePolicy } from './lifetime';

const expiring: RefreshTokenLifetimePolicy = {
  expirationType: 'expiring',
  tokenLifetime: 86_400,
  infiniteTokenLifetime: false,
  idleTokenLifetime: 3_600,
  infiniteIdleTokenLifetime: false,
};
const never: RefreshTokenLifetimePolicy = { ...expiring, expirationType: 'non-expiring', infiniteTokenLifetime: true, infiniteIdleTokenLifetime: true };
const fresh: FamilyTimes = { issuedAt: '2025-01-01T00:00:00.000Z', lastExchangedAt: null, expiresAt: null, idleExpiresAt: null };

describe('refresh-token lifetimes', () => {
  it('are infinite under a non-expiring policy with nothing recorded', () => {
    expect(familyLifetime(fresh, never)).toEqual({ expiresAt: null, idleExpiresAt: null });
  });

  it('count the absolute lifetime from issuance and the idle one from the last exchange', () => {
    expect(familyLifetime({ ...fresh, lastExchangedAt: '2025-01-01T05:00:00.000Z' }, expiring)).toEqual({
      expiresAt: '2025-01-02T00:00:00.000Z',
      idleExpiresAt: '2025-01-01T06:00:00.000Z',
    });
  });

  it('take the earlier of the recorded lifetime and the current policy', () => {
    const recorded = { ...fresh, lastExchangedAt: '2025-01-01T05:00:00.000Z', expiresAt: '2025-01-01T12:00:00.000Z', idleExpiresAt: '2025-01-01T05:30:00.000Z' };
    expect(familyLifetime(recorded, expiring)).toEqual({ expiresAt: '2025-01-01T12:00:00.000Z', idleExpiresAt: '2025-01-01T05:30:00.000Z' });
    expect(familyLifetime(recorded, never)).toEqual({ expiresAt: '2025-01-01T12:00:00.000Z', idleExpiresAt: '2025-01-01T05:30:00.000Z' });
  });

  it('expire at the instant named, not after', () => {
    const lifetime = { expiresAt: '2025-01-02T00:00:00.000Z', idleExpiresAt: null };
    expect(isExpired(lifetime, new Date('2025-01-01T23:59:59.999Z'))).toBe(false);
    expect(isExpired(lifetime, new Date('2025-01-02T00:00:00.000Z'))).toBe(true);
    expect(isExpired({ expiresAt: null, idleExpiresAt: null }, new Date('2999-01-01T00:00:00.000Z'))).toBe(false);
  });

  it('record a use only under an expiring policy, first then once per interval', () => {
    const now = new Date('2025-01-01T00:10:00.000Z');
    expect(recordsUse(fresh, never, now)).toBe(false);
    expect(recordsUse(fresh, expiring, now)).toBe(true);
    const used = { ...fresh, lastExchangedAt: '2025-01-01T00:09:30.000Z', expiresAt: '2025-01-02T00:00:00.000Z', idleExpiresAt: '2025-01-01T01:09:30.000Z' };
    expect(recordsUse(used, expiring, now)).toBe(false);
    expect(recordsUse(used, expiring, new Date('2025-01-01T00:10:30.000Z'))).toBe(true);
    // A shorter absolute lifetime is recorded at the next exchange.
    expect(recordsUse(used, { ...expiring, tokenLifetime: 43_200 }, now)).toBe(true);
  });
});
