import {
  defaultRefreshTokenPolicy,
  LEGACY_REFRESH_TOKEN_POLICY,
  recordedRefreshTokenPolicy,
  resolveRefreshTokenPolicy,
  type RefreshTokenPolicy,
  type RefreshTokenPolicyInput,
} from './refresh-token-policy';

const expiring: RefreshTokenPolicy = {
  rotationType: 'rotating',
  expirationType: 'expiring',
  leeway: 30,
  tokenLifetime: 86_400,
  infiniteTokenLifetime: false,
  idleTokenLifetime: 3_600,
  infiniteIdleTokenLifetime: false,
};

function refusal(run: () => unknown): { code?: string; field?: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; field?: string };
  }
  throw new Error('expected a refusal');
}

describe('refresh-token policy', () => {
  describe('defaults (Auth0)', () => {
    it.each(['native', 'regular_web', 'non_interactive'] as const)('gives a %s app the legacy policy: never rotates, never expires', (appType) => {
      expect(defaultRefreshTokenPolicy(appType)).toEqual(LEGACY_REFRESH_TOKEN_POLICY);
      expect(resolveRefreshTokenPolicy(undefined, appType)).toEqual(LEGACY_REFRESH_TOKEN_POLICY);
    });

    it('gives a spa rotation and expiry, with the default lifetimes', () => {
      expect(defaultRefreshTokenPolicy('spa')).toEqual({
        rotationType: 'rotating',
        expirationType: 'expiring',
        leeway: 0,
        tokenLifetime: 2_592_000,
        infiniteTokenLifetime: false,
        idleTokenLifetime: 1_296_000,
        infiniteIdleTokenLifetime: false,
      });
    });

    it('reads a recorded policy as recorded and none as legacy', () => {
      expect(recordedRefreshTokenPolicy(undefined)).toEqual(LEGACY_REFRESH_TOKEN_POLICY);
      expect(recordedRefreshTokenPolicy(expiring)).toEqual(expiring);
    });

    it('hands out copies: changing one never changes the legacy constant', () => {
      const policy = recordedRefreshTokenPolicy(undefined);
      policy.leeway = 99;
      expect(LEGACY_REFRESH_TOKEN_POLICY.leeway).toBe(0);
    });
  });

  describe('resolving an input over a base', () => {
    it('lays the named fields over the base and keeps the rest', () => {
      expect(resolveRefreshTokenPolicy({ leeway: 60 }, 'native', expiring)).toEqual({ ...expiring, leeway: 60 });
    });

    it('switching to expiring without naming the flags makes both lifetimes finite', () => {
      expect(resolveRefreshTokenPolicy({ expirationType: 'expiring' }, 'native')).toEqual({
        ...LEGACY_REFRESH_TOKEN_POLICY,
        expirationType: 'expiring',
        infiniteTokenLifetime: false,
        infiniteIdleTokenLifetime: false,
      });
    });

    it('switching to non-expiring without naming the flags makes both infinite', () => {
      expect(resolveRefreshTokenPolicy({ expirationType: 'non-expiring' }, 'native', expiring)).toEqual({
        ...expiring,
        expirationType: 'non-expiring',
        infiniteTokenLifetime: true,
        infiniteIdleTokenLifetime: true,
      });
    });

    it('keeps an explicit flag when switching to expiring (an absolute lifetime only)', () => {
      expect(resolveRefreshTokenPolicy({ expirationType: 'expiring', infiniteIdleTokenLifetime: true }, 'native')).toMatchObject({
        infiniteTokenLifetime: false,
        infiniteIdleTokenLifetime: true,
      });
    });

    it.each([0, 300])('accepts a leeway of %i seconds', (leeway) => {
      expect(resolveRefreshTokenPolicy({ leeway }, 'native').leeway).toBe(leeway);
    });

    it.each([1, 31_557_600])('accepts a lifetime of %i seconds', (seconds) => {
      expect(resolveRefreshTokenPolicy({ expirationType: 'expiring', tokenLifetime: seconds, idleTokenLifetime: 1 }, 'native').tokenLifetime).toBe(seconds);
    });

    it('accepts an idle lifetime above an infinite absolute one', () => {
      const policy = resolveRefreshTokenPolicy(
        { expirationType: 'expiring', infiniteTokenLifetime: true, tokenLifetime: 60, idleTokenLifetime: 3_600 },
        'native',
      );
      expect(policy).toMatchObject({ infiniteTokenLifetime: true, idleTokenLifetime: 3_600 });
    });
  });

  describe('refuses, naming the field', () => {
    it.each<[string, unknown, string]>([
      ['not an object', 'rotating', 'refreshToken'],
      ['an array', [], 'refreshToken'],
      ['null', null, 'refreshToken'],
      ['an unknown rotation type', { rotationType: 'sometimes' }, 'refreshToken.rotationType'],
      ['an unknown expiration type', { expirationType: 'soon' }, 'refreshToken.expirationType'],
      ['a negative leeway', { leeway: -1 }, 'refreshToken.leeway'],
      ['a leeway above 300', { leeway: 301 }, 'refreshToken.leeway'],
      ['a fractional leeway', { leeway: 1.5 }, 'refreshToken.leeway'],
      ['a leeway as text', { leeway: '10' }, 'refreshToken.leeway'],
      ['a zero lifetime', { tokenLifetime: 0 }, 'refreshToken.tokenLifetime'],
      ['a lifetime above a year', { tokenLifetime: 31_557_601 }, 'refreshToken.tokenLifetime'],
      ['a zero idle lifetime', { idleTokenLifetime: 0 }, 'refreshToken.idleTokenLifetime'],
      ['a flag as text', { infiniteTokenLifetime: 'yes' }, 'refreshToken.infiniteTokenLifetime'],
      ['an idle flag as a number', { infiniteIdleTokenLifetime: 1 }, 'refreshToken.infiniteIdleTokenLifetime'],
      ['non-expiring with a finite lifetime', { infiniteTokenLifetime: false }, 'refreshToken.expirationType'],
      [
        'an idle lifetime above the absolute one',
        { expirationType: 'expiring', tokenLifetime: 60, idleTokenLifetime: 61 },
        'refreshToken.idleTokenLifetime',
      ],
    ])('%s', (_case, input, field) => {
      expect(refusal(() => resolveRefreshTokenPolicy(input as RefreshTokenPolicyInput, 'native'))).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    });

    it('a spa that asks for non-expiring tokens', () => {
      expect(refusal(() => resolveRefreshTokenPolicy({ expirationType: 'non-expiring' }, 'spa'))).toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'refreshToken.expirationType',
      });
    });
  });
});
