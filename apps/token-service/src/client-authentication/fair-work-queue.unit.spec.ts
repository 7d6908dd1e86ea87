import { FairWorkQueue, WorkQueueRefusal } from './fair-work-queue';

/** A task that runs until `release()`, recording when it started. */
function gate(order: string[], name: string): { task: () => Promise<string>; release: () => void } {
  let release = (): void => {};
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    task: async () => {
      order.push(name);
      await done;
      return name;
    },
    release: () => release(),
  };
}

const FAR = () => Date.now() + 60_000;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FairWorkQueue', () => {
  it('runs at most `concurrency` tasks at once, then serves lane by lane (clean, known, unknown) and networks in turn', async () => {
    const queue = new FairWorkQueue(1, 100, 100);
    const order: string[] = [];
    const running = gate(order, 'first');
    const all = [queue.run('a', 'clean', FAR(), running.task)];
    const gates: Array<ReturnType<typeof gate>> = [];
    for (const [key, lane, name] of [
      ['flood', 'unknown', 'flood-1'],
      ['flood', 'unknown', 'flood-2'],
      ['flood', 'unknown', 'flood-3'],
      ['other', 'unknown', 'other-1'],
      ['mistyped', 'known', 'mistyped-1'],
      ['known', 'clean', 'known-1'],
    ] as const) {
      const g = gate(order, name);
      gates.push(g);
      all.push(queue.run(key, lane, FAR(), g.task));
    }
    await settle();
    expect(order).toEqual(['first']);
    running.release();
    for (const g of gates) {
      await settle();
      g.release();
    }
    await Promise.all(all);
    // The lanes in order; within the unknown lane one flood task, the other network, then the rest of the flood.
    expect(order).toEqual(['first', 'known-1', 'mistyped-1', 'flood-1', 'other-1', 'flood-2', 'flood-3']);
  });

  it('keeps a slot free for other networks: one network runs at most concurrency - 1 tasks', async () => {
    const queue = new FairWorkQueue(2, 100, 100);
    const order: string[] = [];
    const flood = [gate(order, 'flood-1'), gate(order, 'flood-2')];
    const floodRuns = flood.map((g) => queue.run('flood', 'unknown', FAR(), g.task));
    await settle();
    expect(order).toEqual(['flood-1']);
    // Another network starts at once, although the flood queued first.
    const other = gate(order, 'other-1');
    const otherRun = queue.run('other', 'known', FAR(), other.task);
    await settle();
    expect(order).toEqual(['flood-1', 'other-1']);
    other.release();
    flood[0]!.release();
    await settle();
    flood[1]!.release();
    await Promise.all([...floodRuns, otherRun]);
    expect(order).toEqual(['flood-1', 'other-1', 'flood-2']);
  });

  it('refuses at once when the queue, or the network\'s share of it, is full', async () => {
    const queue = new FairWorkQueue(1, 3, 2);
    const order: string[] = [];
    const running = gate(order, 'running');
    const first = queue.run('a', 'clean', FAR(), running.task);
    const waiting = [queue.run('a', 'unknown', FAR(), async () => 'a1'), queue.run('a', 'clean', FAR(), async () => 'a2')];
    await expect(queue.run('a', 'unknown', FAR(), async () => 'a3')).rejects.toEqual(new WorkQueueRefusal('full'));
    waiting.push(queue.run('b', 'known', FAR(), async () => 'b1'));
    await expect(queue.run('c', 'clean', FAR(), async () => 'c1')).rejects.toEqual(new WorkQueueRefusal('full'));
    running.release();
    expect(await Promise.all([first, ...waiting])).toEqual(['running', 'a1', 'a2', 'b1']);
  });

  it('drops a waiter whose deadline passes before a slot is free, without running it', async () => {
    const queue = new FairWorkQueue(1, 10, 10);
    const order: string[] = [];
    const running = gate(order, 'running');
    const first = queue.run('a', 'clean', FAR(), running.task);
    let ran = false;
    const late = queue.run('b', 'clean', Date.now() + 20, async () => {
      ran = true;
    });
    await expect(late).rejects.toEqual(new WorkQueueRefusal('deadline'));
    running.release();
    await first;
    expect(ran).toBe(false);
    // The slot is free again for the next caller.
    expect(await queue.run('c', 'unknown', FAR(), async () => 'next')).toBe('next');
  });
});
