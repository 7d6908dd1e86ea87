/**
 * Given/when/then for pure deciders, for Jest (style.md "Tests"; after
 * emmett's `testing/deciderSpecification.ts`):
 *
 * ```ts
 * const given = DeciderSpecification.for(refreshTokenDecider);
 * given([issued]).when(revoke).then([revoked]);
 * given([issued, revoked]).when(revoke).thenNothing();
 * given([]).when(revoke).thenThrows('CREDENTIAL_NOT_FOUND');
 * ```
 *
 * The state is folded from the given events with the decider's own `evolve`,
 * never handed in, so a test exercises evolve and decide together exactly as a
 * command handler does after reading a stream.
 *
 * Test-only: it calls Jest's global `expect`. Import it by its path
 * (`@app/shared/testing/decider-specification`), not from `@app/shared`.
 */

import type { Decider } from '../decider';

/** What a thrown domain error must look like: a stable `code`, plus optionally some properties. */
export type ExpectedErrorProperties = Record<string, unknown>;

export interface DeciderThen<Event> {
  /** The decider returns exactly these events, in this order (deep, strict equality). */
  then: (expectedEvents: Event | Event[]) => void;
  /** The decider returns no event (e.g. an idempotent repeat). */
  thenNothing: () => void;
  /**
   * The decider throws an error whose `code` is `code` (tests assert the
   * code, not the message: style.md §8), and, when given, whose own
   * properties match `properties` (e.g. `{ field: 'scope' }`).
   */
  thenThrows: (code: string, properties?: ExpectedErrorProperties) => void;
}

export interface DeciderWhen<Command, Event> {
  when: (command: Command) => DeciderThen<Event>;
}

/** `given(events)`: the stream's history, oldest first. */
export type DeciderGiven<Command, Event> = (givenEvents: Event | Event[]) => DeciderWhen<Command, Event>;

/**
 * Freezes a value and everything reachable from it, so a decider or an
 * evolve that mutates its inputs fails loudly (modules run in strict mode,
 * where writing to a frozen object throws) instead of passing by accident.
 * Dates are left alone: freezing does not stop their setters anyway.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      deepFreeze((value as Record<string | symbol, unknown>)[key]);
    }
  }
  return value;
}

/**
 * A deep copy of plain data (objects, arrays, Dates). Not `structuredClone`:
 * under Jest it builds Dates of another realm, which fail `instanceof Date`.
 */
function clone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clone(item)])) as T;
  }
  return value;
}

const toArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function forDecider<Command, Event, State>(decider: Decider<State, Command, Event>): DeciderGiven<Command, Event> {
  return (givenEvents) => ({
    when: (command) => {
      const run = (): Event[] => {
        // Copies are frozen, so the caller's fixtures stay reusable.
        const history = toArray(givenEvents).map((event) => deepFreeze(clone(event)));
        const state = history.reduce<State>(
          (current, event) => deepFreeze(decider.evolve(current, event)),
          deepFreeze(decider.initialState()),
        );
        return decider.decide(deepFreeze(clone(command)), state);
      };

      return {
        then: (expectedEvents) => {
          expect(run()).toStrictEqual(toArray(expectedEvents));
        },
        thenNothing: () => {
          expect(run()).toStrictEqual([]);
        },
        thenThrows: (code, properties) => {
          let thrown: unknown;
          let returned: Event[] | undefined;
          try {
            returned = run();
          } catch (error: unknown) {
            thrown = error;
          }
          if (thrown === undefined) {
            throw new Error(
              `expected the decider to throw an error with code ${code}, but it returned ${JSON.stringify(returned)}`,
            );
          }
          expect(thrown).toBeInstanceOf(Error);
          expect(thrown).toHaveProperty('code', code);
          if (properties !== undefined) {
            expect(thrown).toMatchObject(properties);
          }
        },
      };
    },
  });
}

/** Entry point, as in emmett: `DeciderSpecification.for(decider)` returns `given`. */
export const DeciderSpecification = {
  for: forDecider,
};
