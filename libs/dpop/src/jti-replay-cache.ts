/**
 * The `jti` replay check of RFC 9449 §11.1: a proof is accepted once. The port
 * every adapter implements; `claim` is atomic across whatever the adapter
 * shares (this process's memory, or Redis for every replica).
 */
export interface JtiReplayCache {
  /**
   * Records `key` for `ttlSeconds`; true when it was not already recorded
   * (the first use), false for a replay.
   */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
}

export const DEFAULT_MEMORY_JTI_ENTRIES = 100_000;

/**
 * In this process's memory, bounded: past `maxEntries`, the oldest entry goes
 * first. Every entry has the same lifetime (the proof's `iat` window), so the
 * oldest is the one closest to expiring, and a proof older than its TTL is
 * refused by its `iat` anyway. `now` is an input so tests can move time.
 */
export class MemoryJtiReplayCache implements JtiReplayCache {
  // Insertion order is expiry order (one TTL for all): the first entries are the oldest.
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries: number = DEFAULT_MEMORY_JTI_ENTRIES,
  ) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.expiries.size;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    this.expiries.delete(key);
    while (this.expiries.size >= this.maxEntries) this.expiries.delete(this.expiries.keys().next().value as string);
    this.expiries.set(key, now + ttlSeconds * 1000);
    return true;
  }

  /** Drops expired entries from the front (oldest first), stopping at the first live one. */
  private sweep(now: number): void {
    for (const [key, expiry] of this.expiries) {
      if (expiry > now) return;
      this.expiries.delete(key);
    }
  }
}
