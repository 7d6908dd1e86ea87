/** Application names for client ids (device lists, actors), read once per session. */
import { ApiError, enc, management } from './api';

const names = new Map<string, string | null>();

/** Names from GET /api/v2/clients/{id}; a client we may not read (scope) or that is deleted shows its id only. */
export async function loadClientNames(token: string, ids: string[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !names.has(id));
  await Promise.all(
    missing.map(async (id) => {
      try {
        const client = await management<{ name: string }>(token, 'GET', `clients/${enc(id)}`);
        names.set(id, client.name);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) throw error;
        names.set(id, null);
      }
    }),
  );
}

export function clientName(clientId: string): string | null {
  return names.get(clientId) ?? null;
}

/** "Acme Mobile (client id)", or the id alone when the name is unknown. */
export function clientLabel(clientId: string): string {
  const name = names.get(clientId);
  return name ? `${name} (${clientId})` : clientId;
}

export function forgetClientNames(): void {
  names.clear();
}
