import type { RecordedEvent, SubscribeOptions, Subscription } from '../event-store.port';

/** What a subscription needs from the store: synchronous, since better-sqlite3 is. */
export interface LogReader {
  /** Position of the last event in the log (0 when empty). */
  head(): number;
  /** Up to `limit` matching events with `after < position <= upTo`, in log order. */
  readPage(after: number, upTo: number, limit: number, streamPrefixes: readonly string[] | undefined): RecordedEvent[];
}

/**
 * A catch-up subscription over the SQLite log: pages from `after` to the head,
 * then waits for a wake-up (an append through the same store instance) or the
 * poll interval (appends by another process on the same file), and repeats.
 *
 * One loop, one handler call at a time, awaited: delivery is strictly in log
 * order. The cursor advances past filtered-out events too (to the head read
 * before the page), so an idle poll costs one `MAX(position)` lookup however
 * many foreign events the log holds.
 */
export class SqliteSubscription implements Subscription {
  private stopped = false;
  /** An append was announced since the loop last read the head: do not sleep. */
  private dirty = false;
  private wakeUp: (() => void) | undefined;
  private readonly finished: Promise<void>;

  constructor(
    private readonly reader: LogReader,
    private readonly options: SubscribeOptions,
    private readonly settings: { pollIntervalMs: number; pageSize: number },
    private readonly onFinished: (subscription: SqliteSubscription) => void,
  ) {
    this.finished = this.run();
  }

  /** Called by the store after each committed append. */
  notify(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  /**
   * Stops delivering; resolves once no handler runs. Do not await it from
   * inside `onEvent` (the loop waits for that handler): call it and return.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.finished;
  }

  private async run(): Promise<void> {
    // Let subscribeToAll return before the first handler call, so a handler may use the Subscription.
    await Promise.resolve();
    const { onEvent, onCaughtUp, streamPrefixes } = this.options;
    const { pageSize } = this.settings;
    let cursor = this.options.after ?? 0;
    let caughtUpAnnounced = false;
    try {
      while (!this.stopped) {
        this.dirty = false;
        const head = this.reader.head();
        if (head > cursor) {
          const page = this.reader.readPage(cursor, head, pageSize, streamPrefixes);
          for (const event of page) {
            if (this.stopped) return;
            await onEvent(event);
            cursor = event.position;
            caughtUpAnnounced = false;
          }
          // A full page: there may be more matching events below the head.
          if (page.length === pageSize) continue;
          cursor = head;
        }
        if (this.stopped) return;
        if (!caughtUpAnnounced) {
          caughtUpAnnounced = true;
          onCaughtUp?.();
        }
        await this.sleep();
      }
    } catch (error) {
      this.stopped = true;
      this.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.onFinished(this);
    }
  }

  private fail(error: Error): void {
    if (this.options.onError) {
      try {
        this.options.onError(error);
      } catch (thrown) {
        process.emitWarning(`event-store subscription onError threw: ${String(thrown)}`);
      }
    } else {
      // The port makes onError optional; a silent stop would hide a stalled projection.
      process.emitWarning(`event-store subscription stopped: ${error.message}`, { code: 'EVENT_STORE_SUBSCRIPTION_STOPPED' });
    }
  }

  private sleep(): Promise<void> {
    if (this.dirty || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.settings.pollIntervalMs);
      function done(this: void): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }
}
