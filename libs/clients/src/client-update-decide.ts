import type { UpdateClient } from './client-commands';
import { CONFIDENTIAL_ONLY_GRANT_TYPES, grantTypesOfRegistration, isPublicClient } from './client-defaults';
import { requireAllowedClients, requireFlag, requireGrantTypes, requireName } from './client-input';
import type { ClientState } from './client-state';
import { ClientNotFoundError, GrantTypeNotAllowedError, type ClientArgument } from './errors';
import type { ClientChangedFields, ClientUpdated } from './events';
import { recordedRefreshTokenPolicy, resolveRefreshTokenPolicy, type RefreshTokenPolicy } from './refresh-token-policy';
import { InvalidArgumentError, requireInstant, requireText } from '@app/shared';

const CHANGEABLE: ReadonlySet<string> = new Set(['name', 'grantTypes', 'allowedClients', 'refreshToken', 'requireProofOfPossession']);

/**
 * An update of an active client (Auth0's PATCH /api/v2/clients/{id}): the
 * same rules as registration, against what the client is now. The event
 * holds only the fields whose value changes, each resolved (a whole policy);
 * nothing changes, nothing is appended. A deleted or unknown client is not
 * found.
 */
export function update({ data }: UpdateClient, state: ClientState): ClientUpdated[] {
  const clientId = requireText('clientId', data.clientId);
  const now = requireInstant(data.now);
  const changes: unknown = data.changes;
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    throw new InvalidArgumentError<ClientArgument>('changes', 'must be an object');
  }
  const unknown = Object.keys(changes).find((key) => !CHANGEABLE.has(key));
  if (unknown !== undefined) throw new InvalidArgumentError<ClientArgument>('changes', `${unknown} cannot be changed`);
  const asked = data.changes;

  switch (state.status) {
    case 'none':
    case 'deleted':
      throw new ClientNotFoundError(clientId);
    case 'active':
      break;
    default: {
      const _never: never = state;
      return _never;
    }
  }
  if (state.clientId !== clientId) throw new InvalidArgumentError<ClientArgument>('clientId', 'does not match the loaded client');

  const changed: ClientChangedFields = {};
  if (asked.name !== undefined) {
    const name = requireName(asked.name);
    if (name !== state.name) changed.name = name;
  }
  if (asked.grantTypes !== undefined) {
    const grantTypes = requireGrantTypes(asked.grantTypes);
    if (isPublicClient(state.tokenEndpointAuthMethod)) {
      const forbidden = grantTypes.find((grant) => CONFIDENTIAL_ONLY_GRANT_TYPES.includes(grant));
      if (forbidden !== undefined) throw new GrantTypeNotAllowedError(forbidden);
    }
    if (!sameSet(grantTypes, grantTypesOfRegistration(state))) changed.grantTypes = grantTypes;
  }
  if (asked.allowedClients !== undefined) {
    const allowedClients = requireAllowedClients(asked.allowedClients);
    if (!sameSet(allowedClients, state.allowedClients ?? [])) changed.allowedClients = allowedClients;
  }
  if (asked.refreshToken !== undefined) {
    const current = recordedRefreshTokenPolicy(state.refreshToken);
    const policy = resolveRefreshTokenPolicy(asked.refreshToken, state.appType, current);
    if (!samePolicy(policy, current)) changed.refreshToken = policy;
  }
  if (asked.requireProofOfPossession !== undefined) {
    const required = requireFlag('requireProofOfPossession', asked.requireProofOfPossession);
    if (required !== (state.requireProofOfPossession ?? false)) changed.requireProofOfPossession = required;
  }

  if (Object.keys(changed).length === 0) return [];
  return [{ type: 'ClientUpdated', data: { clientId, changes: changed, updatedAt: now.toISOString() } }];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

function samePolicy(a: RefreshTokenPolicy, b: RefreshTokenPolicy): boolean {
  return (Object.keys(a) as Array<keyof RefreshTokenPolicy>).every((key) => a[key] === b[key]);
}
