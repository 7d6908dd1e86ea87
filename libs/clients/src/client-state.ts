import { grantTypesOfRegistration } from './client-defaults';
import { ClientDeleted, ClientEvent, ClientRegisteredData } from './events';
import { recordedRefreshTokenPolicy } from './refresh-token-policy';

/** State of one client, folded from `client-<clientId>`; a union on `status` (style.md §3). */
export interface NoClient {
  status: 'none';
}

export interface ActiveClient extends ClientRegisteredData {
  status: 'active';
}

/** Deleted is final: a client id is never registered again. */
export interface DeletedClient extends ClientRegisteredData {
  status: 'deleted';
  deletedAt: ClientDeleted['data']['deletedAt'];
}

export type ClientState = NoClient | ActiveClient | DeletedClient;

export const initialClientState = (): ClientState => ({ status: 'none' });

/** Whether the client exists and was not deleted. */
export function isActiveClient(state: ClientState): state is ActiveClient {
  switch (state.status) {
    case 'active':
      return true;
    case 'none':
    case 'deleted':
      return false;
    default: {
      const _never: never = state;
      return _never;
    }
  }
}

/**
 * Folds one recorded event into the state. Never throws (a recorded event is
 * a fact, style.md §10): an event that cannot follow the current state leaves
 * it unchanged, so the first registration stands, an update applies only
 * to an active client, and deletion is final.
 */
export function evolveClient(state: ClientState, event: ClientEvent): ClientState {
  switch (event.type) {
    case 'ClientRegistered':
      if (state.status !== 'none') return state;
      return {
        ...event.data,
        jwtConfiguration: { ...event.data.jwtConfiguration },
        grantTypes: [...event.data.grantTypes],
        ...(event.data.allowedClients === undefined ? {} : { allowedClients: [...event.data.allowedClients] }),
        ...(event.data.refreshToken === undefined ? {} : { refreshToken: { ...event.data.refreshToken } }),
        status: 'active',
      };
    case 'ClientUpdated': {
      if (state.status !== 'active') return state;
      const { changes } = event.data;
      // After an update every field is as written: the legacy readings of an old registration are made explicit.
      return {
        ...state,
        name: changes.name ?? state.name,
        grantTypes: [...(changes.grantTypes ?? grantTypesOfRegistration(state))],
        allowedClients: [...(changes.allowedClients ?? state.allowedClients ?? [])],
        refreshToken: { ...(changes.refreshToken ?? recordedRefreshTokenPolicy(state.refreshToken)) },
        requireProofOfPossession: changes.requireProofOfPossession ?? state.requireProofOfPossession ?? false,
      };
    }
    case 'ClientDeleted':
      if (state.status !== 'active') return state;
      return { ...state, status: 'deleted', deletedAt: event.data.deletedAt };
    default: {
      const _never: never = event;
      return _never;
    }
  }
}
