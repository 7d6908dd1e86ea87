import { PositionWaiters } from './position-waiters';

describe('PositionWaiters (read-your-writes, invariant 6)', () => {
  let current: number;
  let waiters: PositionWaiters;

  beforeEach(() => {
    current = 0;
    waiters = new PositionWaiters(() => current);
  });

  it('resolves true at once for a position already reached', async () => {
    current = 7;
    await expect(waiters.wait(7, 0)).resolves.toBe(true);
  });

  it('resolves true when the position is reached later, without waiting for the timeout', async () => {
    const waiting = waiters.wait(5, 60_000);
    const started = Date.now();

    current = 6;
    waiters.advancedTo(6);

    await expect(waiting).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(waiters.pending).toBe(0);
  });

  it('keeps waiting while the position advanced to is below the one waited for', async () => {
    const waiting = waiters.wait(9, 50);
    waiters.advancedTo(8);
    expect(waiters.pending).toBe(1);
    await expect(waiting).resolves.toBe(false);
  });

  it('resolves false when the position is not reached in time', async () => {
    await expect(waiters.wait(99, 20)).resolves.toBe(false);
  });

  it('resolves pending waits false on cancelAll (shutdown)', async () => {
    const waiting = waiters.wait(99, 60_000);
    waiters.cancelAll();
    await expect(waiting).resolves.toBe(false);
  });
});
