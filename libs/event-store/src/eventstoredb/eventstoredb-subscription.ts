import { START, excludeSystemEvents, streamNameFilter, type AllStreamSubscription, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { backoffDelayMs } from '../backoff';
import type { SubscribeOptions, Subscription } from '../event-store.port';
import { toEventStoreError, isTransient } from './eventstoredb-errors';
import { fromPortPosition, fromResolved, isSystemEvent } from './eventstoredb-events';

/** Reconnect backoff of a dropped subscription. */
export interface ReconnectPolicy {
  /** First delay after a drop (ms). Default 100. */
  initialDelayMs: number;
  /** Cap of the doubling delay (ms). Default 5000. */
  maxDelayMs: number;
  /** Give up (onError, stop) after this many consecutive failed attempts. Default: never. */
  maxAttempts: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 100, maxDelayMs: 5000, maxAttempts: Number.POSITIVE_INFINITY };

/** The wait before retry number `attempt` (1-based), by the one backoff formula. */
export const reconnectDelayMs = (policy: ReconnectPolicy, attempt: number): number => backoffDelayMs(policy.initialDelayMs, policy.maxDelayMs, attempt);

/**
 * A catch-up subscription to `$all` that survives connection loss.
 *
 * It resumes from the position of the last event whose `onEvent` completed
 * (the checkpoint), so delivery is at-least-once from the caller's checkpoint
 * and never skips: an event whose handler was interrupted is delivered again.
 * Subscription start positions are exclusive on the server, so the resume
 * point itself is not redelivered.
 *
 * `onCaughtUp` follows the server's `caught_up` message (EventStoreDB 23.10+;
 * older servers never send it), fired once every event received before it has
 * been handled, and again after each live event when nothing else is
 * buffered.
 */
export class EventStoreDbSubscription implements Subscription {
  private running = true;
  private current: AllStreamSubscription | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly done: Promise<void>;
  /** Full (commit, prepare) of the last handled event: a reconnect resumes exactly after it, even inside a transaction. */
  private checkpoint: Position | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    private readonly reconnect: ReconnectPolicy = DEFAULT_RECONNECT,
  ) {
    this.checkpoint = options.after !== undefined && options.after > 0 ? fromPortPosition(options.after) : undefined;
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    const current = this.current;
    if (current) {
      await current.unsubscribe().catch(() => undefined);
      // Ends the for-await even if the cancelled gRPC call never ends the pipe.
      current.destroy();
    }
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const delivered = await this.consumeOnce();
        if (delivered) failures = 0;
        // The server ended the subscription without an error: resubscribe.
      } catch (error) {
        if (!this.running) return;
        if (error instanceof HandlerFailure) {
          this.running = false;
          this.options.onError?.(error.cause instanceof Error ? error.cause : new Error(String(error.cause)));
          return;
        }
        const mapped = toEventStoreError(error);
        failures++;
        if (!isTransient(mapped) || failures >= this.reconnect.maxAttempts) {
          this.running = false;
          this.options.onError?.(mapped instanceof Error ? mapped : new Error(String(mapped)));
          return;
        }
      }
      if (!this.running) return;
      await this.sleep(reconnectDelayMs(this.reconnect, failures));
    }
  }

  /** One connection's worth of subscription; resolves true when it delivered at least one event. */
  private async consumeOnce(): Promise<boolean> {
    const prefixes = this.options.streamPrefixes;
    const subscription = this.client.subscribeToAll({
      fromPosition: this.checkpoint ?? START,
      // Server-side filter; `$` streams never match a prefix that does not start with `$`.
      filter: prefixes && prefixes.length > 0 ? streamNameFilter({ prefixes }) : excludeSystemEvents(),
    });
    this.current = subscription;

    // caught_up arrives in order with the events but is emitted by the client
    // as soon as it is parsed: remember how many events precede it and fire
    // once that many have been handled.
    let taken = 0;
    let handled = 0;
    const caughtUpMarks: number[] = [];
    // Once caught up, the server says nothing more until it falls behind; the
    // port wants onCaughtUp each time everything received has been handled.
    let live = false;
    const fireCaughtUp = (): void => {
      while (caughtUpMarks.length > 0 && handled >= caughtUpMarks[0]) {
        caughtUpMarks.shift();
        live = true;
        if (this.running) this.options.onCaughtUp?.();
      }
    };
    subscription.on('caughtUp', () => {
      caughtUpMarks.push(taken + subscription.readableLength);
      if (handled === taken) fireCaughtUp();
    });
    subscription.on('fellBehind', () => {
      live = false;
    });

    let delivered = false;
    try {
      for await (const resolved of subscription) {
        taken++;
        if (!this.running) break;
        const event = fromResolved(resolved);
        if (event && !isSystemEvent(event.streamId, event.type) && (!prefixes?.length || prefixes.some((p) => event.streamId.startsWith(p)))) {
          try {
            await this.options.onEvent(event);
          } catch (cause) {
            throw new HandlerFailure(cause);
          }
          delivered = true;
        }
        if (resolved.event) this.checkpoint = resolved.event.position;
        handled++;
        if (live && caughtUpMarks.length === 0 && subscription.readableLength === 0) {
          if (this.running) this.options.onCaughtUp?.();
        } else {
          fireCaughtUp();
        }
      }
    } finally {
      this.current = undefined;
      if (!subscription.destroyed) {
        await subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      }
    }
    return delivered;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Marks a rejection of the caller's onEvent, which stops the subscription instead of reconnecting. */
class HandlerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('subscription handler failed');
  }
}
