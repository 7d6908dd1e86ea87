import { ClientGrantCommand, CreateClientGrant, DeleteClientGrant } from './client-grant-commands';
import { ClientGrantState } from './client-grant-state';
import { ClientGrantAlreadyExistsError, ClientGrantNotFoundError, type ClientArgument } from './errors';
import { ClientGrantCreated, ClientGrantDeleted, ClientGrantEvent } from './events';
import { InvalidArgumentError, requireInstant, requireText } from '@app/shared';

/** Upper bound of an audience (usually a URL such as `${ISSUER}api/v2/`). */
export const MAX_AUDIENCE_LENGTH = 1024;
/** Upper bound of the number of scopes in one grant. */
export const MAX_GRANT_SCOPES = 1000;

// RFC 6749 §3.3 scope-token: printable ASCII but space, double quote and backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Decides which events a command appends to one client grant's stream. Pure
 * and synchronous; throws a `ClientDomainError` when refused.
 */
export function decideClientGrant(command: ClientGrantCommand, state: ClientGrantState): ClientGrantEvent[] {
  switch (command.type) {
    case 'CreateClientGrant':
      return create(command, state);
    case 'DeleteClientGrant':
      return remove(command, state);
    default: {
      const _never: never = command;
      return _never;
    }
  }
}

function create({ data }: CreateClientGrant, state: ClientGrantState): ClientGrantCreated[] {
  const grantId = requireText('grantId', data.grantId);
  const clientId = requireText('clientId', data.clientId);
  const audience = requireText('audience', data.audience, MAX_AUDIENCE_LENGTH);
  const scope = requireScopeList(data.scope);
  const now = requireInstant(data.now);

  switch (state.status) {
    case 'none':
      break;
    case 'active':
    case 'deleted':
      throw new ClientGrantAlreadyExistsError(grantId);
    default: {
      const _never: never = state;
      return _never;
    }
  }
  return [{ type: 'ClientGrantCreated', data: { grantId, clientId, audience, scope, createdAt: now.toISOString() } }];
}

function remove({ data }: DeleteClientGrant, state: ClientGrantState): ClientGrantDeleted[] {
  const grantId = requireText('grantId', data.grantId);
  const now = requireInstant(data.now);

  switch (state.status) {
    case 'none':
      throw new ClientGrantNotFoundError(grantId);
    case 'deleted':
      return [];
    case 'active':
      if (state.grantId !== grantId) {
        throw new InvalidArgumentError<ClientArgument>('grantId', 'does not match the loaded client grant');
      }
      // The client id comes from creation, so consumers need no lookup.
      return [{ type: 'ClientGrantDeleted', data: { grantId, clientId: state.clientId, deletedAt: now.toISOString() } }];
    default: {
      const _never: never = state;
      return _never;
    }
  }
}

/** Unique RFC 6749 §3.3 scope tokens, bounded; may be empty (a grant of no scope, as Auth0 allows). */
function requireScopeList(value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError<ClientArgument>('scope', 'must be an array of scope tokens');
  if (value.length > MAX_GRANT_SCOPES) {
    throw new InvalidArgumentError<ClientArgument>('scope', `must hold at most ${MAX_GRANT_SCOPES} scopes`);
  }
  const seen = new Set<string>();
  for (const token of value) {
    const scope = requireText('scope', token);
    if (!SCOPE_TOKEN.test(scope)) {
      throw new InvalidArgumentError<ClientArgument>('scope', `${JSON.stringify(scope)} is not a scope token (RFC 6749 §3.3)`);
    }
    if (seen.has(scope)) throw new InvalidArgumentError<ClientArgument>('scope', `duplicate scope ${scope}`);
    seen.add(scope);
  }
  return [...seen];
}
