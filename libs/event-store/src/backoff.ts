/**
 * The one backoff formula of the codebase (the consumer's restarts, the
 * EventStoreDB subscription's reconnects and start-up wait): the wait before
 * retry number `attempt` (1-based) is `initialMs`, doubling, capped at `maxMs`.
 */
export function backoffDelayMs(initialMs: number, maxMs: number, attempt: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}
