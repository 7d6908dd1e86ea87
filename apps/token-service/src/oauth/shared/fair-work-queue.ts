/** Why a task was not run: the queue (or the caller's share of it) was full, or its deadline passed while it waited. */
export class WorkQueueRefusal extends Error {
  constructor(readonly reason: 'full' | 'deadline') {
    super(`work queue: ${reason}`);
    this.name = 'WorkQueueRefusal';
  }
}

export type Lane = 'clean' | 'suspect';

interface Waiter {
  start: () => void;
}

/**
 * At most `concurrency` tasks at once; the others wait, bounded in number
 * (`maxWaiting` in all, `maxWaitingPerKey` per key) and in time (a deadline
 * each). Slots go to the `clean` lane first, and within a lane round-robin
 * over keys (the caller's network), so a flood from one key delays another
 * key by at most one task per slot, however long the flood's queue.
 */
export class FairWorkQueue {
  private running = 0;
  private waiting = 0;
  /** Per lane, each key's waiters in arrival order; a Map keeps keys in turn order. */
  private readonly lanes: Record<Lane, Map<string, Waiter[]>> = { clean: new Map(), suspect: new Map() };

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly maxWaitingPerKey: number,
  ) {}

  /**
   * Runs `task` when its turn comes, or throws a `WorkQueueRefusal`: at
   * once when the queue or the key's share is full, or once `deadlineMs`
   * (epoch ms) passes before a slot is free.
   */
  async run<T>(key: string, lane: Lane, deadlineMs: number, task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency || this.waiting > 0) await this.wait(key, lane, deadlineMs);
    else this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.next();
    }
  }

  private wait(key: string, lane: Lane, deadlineMs: number): Promise<void> {
    const queued = (this.lanes.clean.get(key)?.length ?? 0) + (this.lanes.suspect.get(key)?.length ?? 0);
    if (this.waiting >= this.maxWaiting || queued >= this.maxWaitingPerKey) return Promise.reject(new WorkQueueRefusal('full'));
    return new Promise<void>((resolve, reject) => {
      const queue = this.lanes[lane].get(key) ?? [];
      this.lanes[lane].set(key, queue);
      const timer = setTimeout(() => {
        this.remove(lane, key, waiter);
        reject(new WorkQueueRefusal('deadline'));
      }, Math.max(0, deadlineMs - Date.now()));
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      queue.push(waiter);
      this.waiting++;
    });
  }

  /** Hands a free slot to the next waiter: clean lane first, the key whose turn it is. */
  private next(): void {
    for (const lane of [this.lanes.clean, this.lanes.suspect]) {
      const first = lane.entries().next();
      if (first.done) continue;
      const [key, queue] = first.value;
      const waiter = queue.shift()!;
      // The key goes to the back of the turn order (or leaves it when it has no one left).
      lane.delete(key);
      if (queue.length > 0) lane.set(key, queue);
      this.waiting--;
      this.running++;
      waiter.start();
      return;
    }
  }

  private remove(lane: Lane, key: string, waiter: Waiter): void {
    const queue = this.lanes[lane].get(key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.lanes[lane].delete(key);
    this.waiting--;
  }
}
