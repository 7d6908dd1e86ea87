/** How long /health/ready and /metrics reuse a read of the event-store head (and the relay lag, which reads it too). */
export const HEAD_CACHE_MS = 1_000;

/**
 * Wraps `read` so that calls within `ttlMs` of the last read share its
 * outcome, value or failure (a read still in flight included): a probe or a
 * scrape every few milliseconds costs the store one read per `ttlMs`. On
 * EventStoreDB the head is a backward read of `$all`, not free.
 */
export function cachedRead<T>(ttlMs: number, read: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; outcome: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (!last || at - last.at >= ttlMs) {
      const outcome = read();
      outcome.catch(() => undefined); // every caller handles it; an unawaited cached failure must not go unhandled
      last = { at, outcome };
    }
    return last.outcome;
  };
}
