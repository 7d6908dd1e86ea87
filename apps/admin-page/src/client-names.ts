/** Application names and refresh-token policies for client ids (device lists, actors), read once per session. */
import { ApiError, enc, management } from './api';
import type { Client } from './applications';
import type { Policy } from './policy';

/** A client's id is known to the service, not a client: no lookup (it would only answer 404). */
const SYSTEM_ACTOR = 'system';

const clients = new Map<string, Pick<Client, 'name' | 'refresh_token'> | null>();

/** Names from GET /api/v2/clients/{id}; a client we may not read (scope) or that is deleted shows its id only. */
export async function loadClientNames(token: string, ids: string[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => id !== SYSTEM_ACTOR && !clients.has(id));
  await Promise.all(
    missing.map(async (id) => {
      try {
        const client = await management<Client>(token, 'GET', `clients/${enc(id)}`);
        clients.set(id, { name: client.name, refresh_token: client.refresh_token });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) throw error;
        clients.set(id, null);
      }
    }),
  );
}

export function clientName(clientId: string): string | null {
  return clients.get(clientId)?.name ?? null;
}

/** The client's refresh-token policy as read this session; null when it could not be read. */
export function clientPolicy(clientId: string): Policy | null {
  return clients.get(clientId)?.refresh_token ?? null;
}

/** "Acme Mobile (client id)", or the id alone when the name is unknown. */
export function clientLabel(clientId: string): string {
  const name = clientName(clientId);
  return name ? `${name} (${clientId})` : clientId;
}

export function forgetClientNames(): void {
  clients.clear();
}
