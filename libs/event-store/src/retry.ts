import { ConcurrencyError } from './errors';

export interface RetryOnConcurrencyOptions {
  /** Total tries, the first included. Default 5. */
  attempts?: number;
}

/**
 * Runs `operation` (the whole load, decide, append) again from fresh state
 * when the append lost an optimistic-concurrency race (architecture.md,
 * invariant 5; style.md §7). Only ConcurrencyError is retried: any other error
 * is not made better by trying again. Bounded; after the last attempt the last
 * ConcurrencyError is rethrown. No delay: the reload is the back-off, and the
 * contention is on one stream (one token), so the race is short.
 */
export async function retryOnConcurrency<T>(
  operation: () => Promise<T>,
  options: RetryOnConcurrencyOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw new TypeError('attempts must be a positive integer');
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= attempts) throw error;
    }
  }
}
