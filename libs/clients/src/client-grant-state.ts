import { ClientGrantCreatedData, ClientGrantEvent } from './events';

/** State of one client grant, folded from `clientGrant-<grantId>`. */
export interface NoClientGrant {
  status: 'none';
}

export interface ActiveClientGrant extends ClientGrantCreatedData {
  status: 'active';
}

/** Deleted is final. */
export interface DeletedClientGrant extends ClientGrantCreatedData {
  status: 'deleted';
  deletedAt: string;
}

export type ClientGrantState = NoClientGrant | ActiveClientGrant | DeletedClientGrant;

export const initialClientGrantState = (): ClientGrantState => ({ status: 'none' });

/** Whether the grant exists and was not deleted. */
export function isActiveClientGrant(state: ClientGrantState): state is ActiveClientGrant {
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

/** Folds one recorded event; never throws, first creation stands, deletion is final. */
export function evolveClientGrant(state: ClientGrantState, event: ClientGrantEvent): ClientGrantState {
  switch (event.type) {
    case 'ClientGrantCreated':
      if (state.status !== 'none') return state;
      return { ...event.data, scope: [...event.data.scope], status: 'active' };
    case 'ClientGrantDeleted':
      if (state.status !== 'active') return state;
      return { ...state, status: 'deleted', deletedAt: event.data.deletedAt };
    default: {
      const _never: never = event;
      return _never;
    }
  }
}
