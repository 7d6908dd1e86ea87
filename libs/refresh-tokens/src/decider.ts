import { decide } from './decide';
import { evolve } from './evolve';
import { initialState } from './state';

/**
 * The refresh-token decider as one value (emmett's `Decider` shape), for
 * command handlers and `DeciderSpecification.for`.
 */
export const refreshTokenDecider = { decide, evolve, initialState } as const;
