/**
 * Wraps `read` so that every caller gets the outcome of a read that *started
 * after it called* (a read already in flight may predate the caller's
 * question), while at most one read runs at a time: callers arriving during a
 * read share the next one. A flood of N callers costs the store about two
 * reads per read's duration, not N.
 */
export function freshRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const current: Promise<T> = read().finally(() => {
      if (inFlight === current) inFlight = undefined;
    });
    inFlight = current;
    return current;
  };
  return () => {
    if (!inFlight) return start();
    queued ??= inFlight
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
