import type { Decider } from '../decider';
import { DeciderSpecification } from './decider-specification';

// A toy counter decider, to show the helper fails when it should.
type Event = { type: 'Added'; data: { by: number } };
type Command = { type: 'Add'; data: { by: number } };
type State = { total: number };

class ToyError extends Error {
  constructor(
    readonly code: 'NEGATIVE' | 'TOO_BIG',
    readonly limit?: number,
  ) {
    super(code);
  }
}

const counter: Decider<State, Command, Event> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command, state) => {
    if (command.data.by < 0) throw new ToyError('NEGATIVE');
    if (state.total + command.data.by > 10) throw new ToyError('TOO_BIG', 10);
    if (command.data.by === 0) return [];
    return [{ type: 'Added', data: { by: command.data.by } }];
  },
};

const given = DeciderSpecification.for(counter);
const add = (by: number): Command => ({ type: 'Add', data: { by } });
const added = (by: number): Event => ({ type: 'Added', data: { by } });

describe('DeciderSpecification', () => {
  describe('then', () => {
    it('passes when the decided events equal the expected ones', () => {
      given([added(1)]).when(add(2)).then([added(2)]);
      given(added(1)).when(add(2)).then(added(2));
    });

    it('fails when they differ', () => {
      expect(() => given([]).when(add(2)).then([added(3)])).toThrow();
      expect(() => given([]).when(add(2)).then([])).toThrow();
    });

    it('folds the given events through evolve before deciding', () => {
      // 9 + 2 > 10 only if the history was folded.
      given([added(4), added(5)]).when(add(2)).thenThrows('TOO_BIG');
    });
  });

  describe('thenNothing', () => {
    it('passes on no events and fails on some', () => {
      given([]).when(add(0)).thenNothing();
      expect(() => given([]).when(add(1)).thenNothing()).toThrow();
    });
  });

  describe('thenThrows', () => {
    it('passes on the expected code and properties', () => {
      given([]).when(add(-1)).thenThrows('NEGATIVE');
      given([added(10)]).when(add(1)).thenThrows('TOO_BIG', { limit: 10 });
    });

    it('fails on another code, other properties, or no error at all', () => {
      expect(() => given([]).when(add(-1)).thenThrows('TOO_BIG')).toThrow();
      expect(() => given([added(10)]).when(add(1)).thenThrows('TOO_BIG', { limit: 11 })).toThrow();
      expect(() => given([]).when(add(1)).thenThrows('NEGATIVE')).toThrow(/expected the decider to throw/);
    });
  });

  it('catches a decider that mutates the state or the command', () => {
    const mutating: Decider<State, Command, Event> = {
      ...counter,
      decide: (command, state) => {
        state.total += command.data.by;
        return [];
      },
    };
    expect(() => DeciderSpecification.for(mutating)([]).when(add(1)).thenNothing()).toThrow(TypeError);
  });

  it('leaves the caller fixtures unfrozen', () => {
    const history = [added(1)];
    given(history).when(add(1)).then([added(1)]);
    expect(Object.isFrozen(history[0])).toBe(false);
  });
});
