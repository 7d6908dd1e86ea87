import { decideClient } from './client-decide';
import { decideClientGrant } from './client-grant-decide';
import { evolveClientGrant, initialClientGrantState } from './client-grant-state';
import { evolveClient, initialClientState } from './client-state';

/** The client decider as one value (emmett's `Decider` shape). */
export const clientDecider = { decide: decideClient, evolve: evolveClient, initialState: initialClientState } as const;

/** The client-grant decider as one value. */
export const clientGrantDecider = {
  decide: decideClientGrant,
  evolve: evolveClientGrant,
  initialState: initialClientGrantState,
} as const;
