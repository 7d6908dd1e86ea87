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
  it('runs at most `concurrency` tasks at once, then serves networks in turn, the clean lane first', async () => {
    const queue = new FairWorkQueue(1, 100, 100);
    const order: string[] = [];
    const running = gate(order, 'first');
    const all = [queue.run('a', 'clean', FAR(), running.task)];
    const gates: Array<ReturnType<typeof gate>> = [];
    for (const [key, lane, name] of [
      ['flood', 'suspect', 'flood-1'],
      ['flood', 'suspect', 'flood-2'],
      ['flood', 'suspect', 'flood-3'],
      ['other', 'suspect', 'other-1'],
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
    // The clean lane first; then one flood task, the other network, and the rest of the flood.
    expect(order).toEqual(['first', 'known-1', 'flood-1', 'other-1', 'flood-2', 'flood-3']);
  });

  it('refuses at once when the queue, or the network\'s share of it, is full', async () => {
    const queue = new FairWorkQueue(1, 3, 2);
    const order: string[] = [];
    const running = gate(order, 'running');
    const first = queue.run('a', 'clean', FAR(), running.task);
    const waiting = [queue.run('a', 'suspect', FAR(), async () => 'a1'), queue.run('a', 'clean', FAR(), async () => 'a2')];
    await expect(queue.run('a', 'suspect', FAR(), async () => 'a3')).rejects.toEqual(new WorkQueueRefusal('full'));
    waiting.push(queue.run('b', 'suspect', FAR(), async () => 'b1'));
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
    expect(await queue.run('c', 'suspect', FAR(), async () => 'next')).toBe('next');
  });
});
