import { MANAGEMENT_SCOPES } from '../../apps/token-service/src/management/auth/scopes';
import { expectStatus, managementClientWithScopes, type CreatedClient, type ServiceHandle } from './fixtures';
import type { HttpResponse } from './http-client';

/** One full admin: a client holding every management scope through one grant, and a token of it. */
interface FullAdmin {
  client: CreatedClient;
  token: string;
  grantId: string;
}

/** Sends one management DELETE (over whatever connection the caller chooses). */
export type SendDelete = (path: string, token: string) => Promise<HttpResponse>;

/**
 * Plays the lock-out race: two full admins each delete the other at the same
 * moment (their clients, or their grants). The rule allows one deletion and
 * refuses the other (409; or 401 when the other's deletion landed before its
 * token was checked), so each try must read `deleted refused`; two deletions
 * leave nobody able to manage the service. `bootstrapGrantId` is
 * deleted first, so the two admins of each try are the only ones. Returns
 * each try's sorted outcomes, stopping after a lock-out.
 */
export async function playLockoutRace(
  svc: ServiceHandle,
  options: { what: 'client' | 'grant'; tries: number; bootstrapGrantId: string; send: SendDelete },
): Promise<string[]> {
  let survivor: FullAdmin = await managementClientWithScopes(svc, [...MANAGEMENT_SCOPES]);
  expectStatus(await options.send(`/api/v2/client-grants/${options.bootstrapGrantId}`, survivor.token), 204, 'delete the bootstrap grant');
  const asSurvivor: ServiceHandle = { ...svc, managementToken: async () => survivor.token };
  const path = (admin: FullAdmin) => (options.what === 'client' ? `/api/v2/clients/${admin.client.client_id}` : `/api/v2/client-grants/${admin.grantId}`);
  const outcomes: string[] = [];
  for (let i = 0; i < options.tries; i++) {
    const other = await managementClientWithScopes(asSurvivor, [...MANAGEMENT_SCOPES]);
    const [first, second] = await Promise.all([options.send(path(survivor), other.token), options.send(path(other), survivor.token)]);
    const refused = (r: HttpResponse) => r.status === 409 || r.status === 401;
    outcomes.push([first, second].map((r) => (r.status === 204 ? 'deleted' : refused(r) ? 'refused' : String(r.status))).sort().join(' '));
    if (!refused(first) && !refused(second)) break; // locked out: nobody is left to play the next try
    survivor = first.status === 204 ? other : survivor;
  }
  return outcomes;
}
