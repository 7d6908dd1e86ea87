/** Why a task was not run: the queue (or the caller's share of it) was full, or its deadline passed while it waited. */
export class WorkQueueRefusal extends Error {
  constructor(readonly reason: 'full' | 'deadline') {
    super(`work queue: ${reason}`);
    this.name = 'WorkQueueRefusal';
  }
}

/** Served in this order: known clients without recent failures, known clients with some, unknown client ids. */
export const LANES = ['clean', 'known', 'unknown'] as const;
export type Lane = (typeof LANES)[number];

interface Waiter {
  start: () => void;
}

/**
 * At most `concurrency` tasks at once, and at most `concurrency - 1` of them
 * (at least one) for one key (the caller's network), so another network
 * finds a free slot however busy the first. The others wait, bounded in
 * number (`maxWaiting` in all, `maxWaitingPerKey` per key) and in time (a
 * deadline each). Slots go lane by lane (`LANES`), and within a lane
 * round-robin over keys, so a flood from one key delays another key by at
 * most one task per slot, however long the flood's queue.
 */
export class FairWorkQueue {
  private running = 0;
  private waiting = 0;
  private readonly maxRunningPerKey: number;
  private readonly runningPerKey = new Map<string, number>();
  /** Per lane, each key's waiters in arrival order; a Map keeps keys in turn order. */
  private readonly lanes = new Map<Lane, Map<string, Waiter[]>>(LANES.map((lane) => [lane, new Map()]));

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly maxWaitingPerKey: number,
  ) {
    this.maxRunningPerKey = Math.max(1, concurrency - 1);
  }

  /**
   * Runs `task` when its turn comes, or throws a `WorkQueueRefusal`: at
   * once when the queue or the key's share is full, or once `deadlineMs`
   * (epoch ms) passes before a slot is free.
   */
  async run<T>(key: string, lane: Lane, deadlineMs: number, task: () => Promise<T>): Promise<T> {
    await this.turn(key, lane, deadlineMs);
    try {
      return await task();
    } finally {
      this.running--;
      const left = (this.runningPerKey.get(key) ?? 1) - 1;
      if (left > 0) this.runningPerKey.set(key, left);
      else this.runningPerKey.delete(key);
      this.fill();
    }
  }

  private turn(key: string, lane: Lane, deadlineMs: number): Promise<void> {
    let queued = 0;
    for (const keys of this.lanes.values()) queued += keys.get(key)?.length ?? 0;
    if (this.waiting >= this.maxWaiting || queued >= this.maxWaitingPerKey) return Promise.reject(new WorkQueueRefusal('full'));
    return new Promise<void>((resolve, reject) => {
      const keys = this.lanes.get(lane)!;
      const queue = keys.get(key) ?? [];
      keys.set(key, queue);
      const timer = setTimeout(() => {
        this.remove(keys, key, waiter);
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
      this.fill();
    });
  }

  /** Hands free slots to waiters: lane by lane, the first key in turn order that is under its share. */
  private fill(): void {
    while (this.running < this.concurrency && this.startNext());
  }

  private startNext(): boolean {
    for (const keys of this.lanes.values()) {
      for (const [key, queue] of keys) {
        const runningForKey = this.runningPerKey.get(key) ?? 0;
        if (runningForKey >= this.maxRunningPerKey) continue;
        const waiter = queue.shift()!;
        // The key goes to the back of the turn order (or leaves it when it has no one left).
        keys.delete(key);
        if (queue.length > 0) keys.set(key, queue);
        this.waiting--;
        this.running++;
        this.runningPerKey.set(key, runningForKey + 1);
        waiter.start();
        return true;
      }
    }
    return false;
  }

  private remove(keys: Map<string, Waiter[]>, key: string, waiter: Waiter): void {
    const queue = keys.get(key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) keys.delete(key);
    this.waiting--;
  }
}
