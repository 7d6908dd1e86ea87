import { comparePositions, fromPortPosition } from './eventstoredb-events';

describe('EventStoreDB positions', () => {
  it('order as (commit, prepare): events of one transaction share the commit and differ by prepare', () => {
    const first = { commit: 4096n, prepare: 4096n };
    const second = { commit: 4096n, prepare: 4300n };
    const next = { commit: 4500n, prepare: 4500n };

    expect(comparePositions(first, second)).toBe(-1);
    expect(comparePositions(second, first)).toBe(1);
    expect(comparePositions(second, next)).toBe(-1);
    expect(comparePositions(second, { commit: 4096n, prepare: 4300n })).toBe(0);
  });

  it('read a port position (a commit position) as the first event of its transaction', () => {
    expect(fromPortPosition(4096)).toEqual({ commit: 4096n, prepare: 4096n });
  });
});
