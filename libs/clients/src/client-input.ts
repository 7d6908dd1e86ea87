import { InvalidArgumentError, requireText } from '@app/shared';
import { KNOWN_GRANT_TYPES } from './client-defaults';
import type { ClientArgument } from './errors';

/** Checks of the client fields registration and update share. */

/** Upper bound of `allowedClients`. */
export const MAX_ALLOWED_CLIENTS = 100;

export function requireGrantTypes(value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError<ClientArgument>('grantTypes', 'must be an array');
  const seen = new Set<string>();
  for (const grant of value) {
    if (typeof grant !== 'string' || !KNOWN_GRANT_TYPES.includes(grant)) {
      throw new InvalidArgumentError<ClientArgument>('grantTypes', `unknown grant type ${JSON.stringify(grant)}`);
    }
    if (seen.has(grant)) throw new InvalidArgumentError<ClientArgument>('grantTypes', `duplicate grant type ${grant}`);
    seen.add(grant);
  }
  return [...seen];
}

export function requireAllowedClients(value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError<ClientArgument>('allowedClients', 'must be an array');
  if (value.length > MAX_ALLOWED_CLIENTS) throw new InvalidArgumentError<ClientArgument>('allowedClients', `at most ${MAX_ALLOWED_CLIENTS} client ids`);
  const ids = value.map((id) => requireText('allowedClients', id));
  if (new Set(ids).size !== ids.length) throw new InvalidArgumentError<ClientArgument>('allowedClients', 'duplicate client id');
  return ids;
}

/** A client's display name: the text rule, and no < or > (Auth0 refuses them; it is shown on the admin page). */
export function requireName(value: unknown): string {
  const name = requireText('name', value);
  if (/[<>]/.test(name)) throw new InvalidArgumentError<ClientArgument>('name', 'must not contain < or >');
  return name;
}

export function requireFlag(field: ClientArgument, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError<ClientArgument>(field, 'must be a boolean');
  return value;
}
