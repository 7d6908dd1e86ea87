import type { ClientGrantRecord } from '@app/read-model';
import type { GrantBinding } from '@app/signing';
import { FULL_ADMIN_SCOPES, MANAGEMENT_SCOPES } from './scopes';

/**
 * Who may do what on the management API, beyond a route's required scopes.
 * App-layer policy, not a decider rule: each rule spans aggregates (the
 * caller's token, every client grant) or reads configuration
 * (MANAGEMENT_CLIENT_ID); see docs/decisions.md. Pure: the caller passes the
 * read model's grants (of clients not deleted) and the audience.
 */

/** The scopes a client's grants give it for `audience` (grants of one client are unioned on use). */
export function grantedScopes(grants: readonly ClientGrantRecord[], clientId: string, audience: string): Set<string> {
  return new Set(grants.filter((g) => g.clientId === clientId && g.audience === audience).flatMap((g) => g.scope));
}

/**
 * The grants a token was minted under that are still current: same id and
 * stream revision. A grant deleted, or created since (even with the same
 * scopes), gives the token nothing; a token naming no grant has none.
 */
export function boundGrants(grants: readonly ClientGrantRecord[], bound: readonly GrantBinding[] | undefined): ClientGrantRecord[] {
  return grants.filter((g) => bound?.some((b) => b.grantId === g.grantId && b.revision === g.streamRevision) ?? false);
}

/** A token's scopes that its client's grants still give: a deleted or narrowed grant takes effect at once. */
export function effectiveScopes(tokenScopes: readonly string[], granted: ReadonlySet<string>): string[] {
  return tokenScopes.filter((s) => granted.has(s));
}

/** Scopes in `requested` the caller does not hold: a caller grants only what it holds (no escalation). */
export function scopesBeyond(held: readonly string[], requested: readonly string[]): string[] {
  const mine = new Set(held);
  return requested.filter((s) => !mine.has(s));
}

/**
 * The scopes a caller may put in a grant: those it holds, and, for a full
 * admin, every management scope. Scopes added after a store had admins
 * (`read:audit`) are not part of being a full admin, so an admin made before
 * them does not hold them; without this it could never hand them out, and
 * only the bootstrap client could. A full admin can already create clients
 * and grants for every full-admin scope, so this widens nothing it lacked.
 */
export function grantableScopes(held: readonly string[]): string[] {
  const mine = new Set(held);
  return FULL_ADMIN_SCOPES.every((s) => mine.has(s)) ? [...new Set([...held, ...MANAGEMENT_SCOPES])] : [...held];
}

/** Clients whose grants for `audience` hold every full-admin scope, in first-grant order. */
export function fullAdmins(grants: readonly ClientGrantRecord[], audience: string): string[] {
  const clients = [...new Set(grants.filter((g) => g.audience === audience).map((g) => g.clientId))];
  return clients.filter((clientId) => {
    const held = grantedScopes(grants, clientId, audience);
    return FULL_ADMIN_SCOPES.every((s) => held.has(s));
  });
}

/** Whether removing these grants (a grant deleted, or a client with all of its grants) leaves no full admin. */
export function leavesNoFullAdmin(grants: readonly ClientGrantRecord[], audience: string, removed: (g: ClientGrantRecord) => boolean): boolean {
  return fullAdmins(grants, audience).length > 0 && fullAdmins(grants.filter((g) => !removed(g)), audience).length === 0;
}
