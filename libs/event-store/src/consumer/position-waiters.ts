interface Waiter {
  position: number;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

/**
 * Read-your-writes (invariant 6): callers wait until the projection has
 * applied a log position. Event-driven: `advancedTo` is called after each
 * commit and settles every waiter at or below it; nothing polls.
 */
export class PositionWaiters {
  private waiters: Waiter[] = [];

  constructor(private readonly current: () => number) {}

  /** true once `current() >= position`; false after `timeoutMs` or on `cancelAll`. */
  wait(position: number, timeoutMs: number): Promise<boolean> {
    if (this.current() >= position) return Promise.resolve(true);
    if (!(timeoutMs > 0)) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => this.settle(waiter, false), timeoutMs),
      };
      // A pending wait must not keep a CLI process alive.
      waiter.timer.unref();
      this.waiters.push(waiter);
    });
  }

  advancedTo(position: number): void {
    if (this.waiters.length === 0) return;
    for (const waiter of this.waiters.filter((w) => w.position <= position)) this.settle(waiter, true);
  }

  /** Settles every pending wait with false (shutdown). */
  cancelAll(): void {
    for (const waiter of [...this.waiters]) this.settle(waiter, false);
  }

  get pending(): number {
    return this.waiters.length;
  }

  private settle(waiter: Waiter, reached: boolean): void {
    clearTimeout(waiter.timer);
    this.waiters = this.waiters.filter((w) => w !== waiter);
    waiter.resolve(reached);
  }
}
