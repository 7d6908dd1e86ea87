import { formatScope, hasOfflineAccess, isScopeToken, narrowScope, parseScope } from './scope';
import { ScopeNotSubsetError } from './errors';

const codeOf = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error: unknown) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('scope', () => {
  describe('parseScope (RFC 6749 §3.3)', () => {
    it('splits on spaces, keeps the order and drops duplicates and empty tokens', () => {
      expect(parseScope(' openid  profile openid offline_access ')).toEqual(['openid', 'profile', 'offline_access']);
    });

    it.each([undefined, null, '', '   '])('gives no tokens for %j', (scope) => {
      expect(parseScope(scope)).toEqual([]);
    });

    it('round-trips with formatScope into the canonical form', () => {
      expect(formatScope(parseScope('a  b a'))).toBe('a b');
    });
  });

  describe('isScopeToken', () => {
    it.each(['openid', 'read:clients', 'offline_access', '!#[]~'])('accepts %j', (token) => {
      expect(isScopeToken(token)).toBe(true);
    });

    it.each(['', 'a b', 'a"b', 'a\\b', 'a\tb', 'é'])('refuses %j', (token) => {
      expect(isScopeToken(token)).toBe(false);
    });
  });

  describe('hasOfflineAccess', () => {
    it('finds the exact token in a string or a list', () => {
      expect(hasOfflineAccess('openid offline_access')).toBe(true);
      expect(hasOfflineAccess(['offline_access'])).toBe(true);
    });

    it.each(['openid', 'offline_accessx', 'xoffline_access', 'offline-access', 'OFFLINE_ACCESS', ''])(
      'does not match a substring or look-alike: %j',
      (scope) => {
        expect(hasOfflineAccess(scope)).toBe(false);
      },
    );
  });

  describe('narrowScope (RFC 6749 §6)', () => {
    const granted = 'openid profile offline_access';

    it.each([undefined, null, '', '  '])('treats an omitted scope (%j) as the granted scope', (requested) => {
      expect(narrowScope(granted, requested)).toBe(granted);
    });

    it('returns a narrower scope in the order requested', () => {
      expect(narrowScope(granted, 'profile openid')).toBe('profile openid');
    });

    it('accepts the full granted scope, duplicates dropped', () => {
      expect(narrowScope(granted, 'offline_access openid profile openid')).toBe('offline_access openid profile');
    });

    it('refuses a scope that was not granted, naming it', () => {
      let thrown: unknown;
      try {
        narrowScope(granted, 'openid email');
      } catch (error: unknown) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ScopeNotSubsetError);
      expect(thrown).toMatchObject({ code: 'SCOPE_NOT_SUBSET', notGranted: ['email'] });
    });

    it('matches whole tokens, not substrings', () => {
      expect(codeOf(() => narrowScope(granted, 'open'))).toBe('SCOPE_NOT_SUBSET');
      expect(codeOf(() => narrowScope('openid', 'openid2'))).toBe('SCOPE_NOT_SUBSET');
    });
  });
});
