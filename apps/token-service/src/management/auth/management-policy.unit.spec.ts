import type { ClientGrantRecord } from '@app/read-model';
import { boundGrants, effectiveScopes, fullAdmins, grantableScopes, grantedScopes, leavesNoFullAdmin, scopesBeyond } from './management-policy';
import { FULL_ADMIN_SCOPES, MANAGEMENT_SCOPES } from './scopes';

const AUDIENCE = 'https://issuer.example/api/v2/';
const ALL = [...MANAGEMENT_SCOPES];

function grant(grantId: string, clientId: string, scope: string[], audience = AUDIENCE, streamRevision = 0): ClientGrantRecord {
  return { grantId, clientId, audience, scope, createdAt: '2025-01-01T00:00:00.000Z', deletedAt: null, streamRevision, streamHeadHash: 'h' };
}

describe('management policy', () => {
  describe('granting', () => {
    it('names the requested scopes the caller does not hold, and nothing when it holds them all', () => {
      expect(scopesBeyond(['read:clients', 'create:client_grants'], ['read:clients', 'delete:clients'])).toEqual(['delete:clients']);
      expect(scopesBeyond(['read:clients', 'create:client_grants'], ['read:clients'])).toEqual([]);
      expect(scopesBeyond([], [])).toEqual([]);
    });

    it('lets a full admin made before the later scopes grant them, and nobody short of a full admin', () => {
      const olderAdmin = [...FULL_ADMIN_SCOPES];
      expect(olderAdmin).not.toContain('read:audit');
      expect(scopesBeyond(grantableScopes(olderAdmin), ['read:audit'])).toEqual([]);
      const almost = FULL_ADMIN_SCOPES.filter((s) => s !== 'delete:clients');
      expect(scopesBeyond(grantableScopes(almost), ['read:audit'])).toEqual(['read:audit']);
      expect(grantableScopes(['read:clients'])).toEqual(['read:clients']);
    });
  });

  describe('a token at use', () => {
    it("keeps only the scopes its client's grants for the audience still give", () => {
      const grants = [grant('g1', 'c1', ['read:clients']), grant('g2', 'c1', ['delete:clients'], 'https://other/'), grant('g3', 'c2', ['create:clients'])];
      const granted = grantedScopes(grants, 'c1', AUDIENCE);
      expect([...granted]).toEqual(['read:clients']);
      expect(effectiveScopes(['read:clients', 'delete:clients', 'create:clients'], granted)).toEqual(['read:clients']);
    });
  });

  describe('the grants a token was minted under', () => {
    it('keeps only the named grants at the named revision: a later grant, even with the same scopes, gives nothing', () => {
      const grants = [grant('g1', 'c1', ['read:clients']), grant('g2', 'c1', ['read:clients']), grant('g3', 'c1', ['delete:clients'], AUDIENCE, 2)];
      expect(boundGrants(grants, [{ grantId: 'g1', revision: 0 }]).map((g) => g.grantId)).toEqual(['g1']);
      expect(boundGrants(grants, [{ grantId: 'gone', revision: 0 }])).toEqual([]);
      expect(boundGrants(grants, [{ grantId: 'g3', revision: 1 }])).toEqual([]);
      expect(boundGrants(grants, [{ grantId: 'g3', revision: 2 }]).map((g) => g.grantId)).toEqual(['g3']);
      expect(boundGrants(grants, undefined)).toEqual([]);
    });
  });

  describe('the last full admin', () => {
    it('counts as full admins the clients whose grants for the audience hold every management scope', () => {
      const grants = [grant('g1', 'full', ALL), grant('g2', 'partial', ALL.slice(1)), grant('g3', 'elsewhere', ALL, 'https://other/')];
      expect(fullAdmins(grants, AUDIENCE)).toEqual(['full']);
    });

    it('refuses removing the only full admin, or its grant, and allows it while another remains', () => {
      const alone = [grant('g1', 'full', ALL), grant('g2', 'partial', ['read:clients'])];
      expect(leavesNoFullAdmin(alone, AUDIENCE, (g) => g.clientId === 'full')).toBe(true);
      expect(leavesNoFullAdmin(alone, AUDIENCE, (g) => g.grantId === 'g1')).toBe(true);
      expect(leavesNoFullAdmin(alone, AUDIENCE, (g) => g.clientId === 'partial')).toBe(false);
      const two = [...alone, grant('g3', 'second', ALL)];
      expect(leavesNoFullAdmin(two, AUDIENCE, (g) => g.clientId === 'full')).toBe(false);
    });
  });
});
