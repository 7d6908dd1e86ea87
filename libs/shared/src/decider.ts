/**
 * The three pure functions of an aggregate (style.md §1), the one `Decider`
 * type of the codebase, in Emmett's parameter order: state, command, event.
 * Command handlers fold a stream with `evolve` from `initialState()` and
 * append what `decide` returns; `DeciderSpecification` tests it given/when/then.
 * Pure TypeScript: the domain libs may import it by this path.
 */
export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}
