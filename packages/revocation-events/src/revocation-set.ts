/**
 * The listener's set of revoked credential ids. It only ever grows or keeps
 * an entry's time: whatever later records say (another `revoked_at`, a
 * replayed `ce_id`), a credential once in the set stays in it until its
 * retention has passed, counted from when this process last received a
 * revocation of it. The record's own `revoked_at` plays no part: a topic
 * writer could set it to 1970 to make retention end at once.
 */
export class RevokedCredentials {
  /** credential id → when a revocation of it was last received (ms). */
  private readonly receivedAt = new Map<string, number>();

  /** @param retentionMs forget an entry this long after it was last received; undefined: keep forever. */
  constructor(private readonly retentionMs?: number) {}

  /** Records a revocation received at `nowMs`; an entry's time only moves forward. */
  add(credentialId: string, nowMs: number): void {
    const known = this.receivedAt.get(credentialId);
    if (known === undefined || nowMs > known) this.receivedAt.set(credentialId, nowMs);
  }

  /** Whether the credential is revoked at `nowMs`; forgets it once its retention has passed. */
  has(credentialId: string, nowMs: number): boolean {
    const at = this.receivedAt.get(credentialId);
    if (at === undefined) return false;
    if (this.retentionMs !== undefined && nowMs - at > this.retentionMs) {
      this.receivedAt.delete(credentialId);
      return false;
    }
    return true;
  }

  get size(): number {
    return this.receivedAt.size;
  }
}
