import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DpopNonceProblem } from './errors';

/** Default length of a nonce's time slot: a nonce lives one to two slots. */
export const DEFAULT_NONCE_SLOT_SECONDS = 60;
const SLOT_BYTES = 8;
const MAC_BYTES = 16;
const NONCE_LENGTH = Math.ceil(((SLOT_BYTES + MAC_BYTES) * 4) / 3);
const DOMAIN = Buffer.from('dpop-nonce:v1:', 'utf8');

export interface DpopNoncesOptions {
  /** The key every replica shares (at least 32 bytes); a replica with another key refuses the others' nonces. */
  key: Uint8Array;
  slotSeconds?: number;
}

/**
 * Server-provided DPoP nonces (RFC 9449 §8) that every replica issues and
 * accepts without shared state: `base64url(slot ‖ HMAC-SHA-256(key, slot)[0..16])`
 * where `slot` is the 64-bit big-endian number of the current time slot. The
 * current and the previous slot are accepted, so a nonce handed out at the end
 * of a slot still works in the next one. No nonce is ever stored.
 */
export class DpopNonces {
  private readonly key: Buffer;
  readonly slotSeconds: number;

  constructor(options: DpopNoncesOptions) {
    if (options.key.length < 32) throw new RangeError('the DPoP nonce key must be at least 32 bytes');
    const slotSeconds = options.slotSeconds ?? DEFAULT_NONCE_SLOT_SECONDS;
    if (!Number.isSafeInteger(slotSeconds) || slotSeconds < 1) throw new RangeError('slotSeconds must be a positive integer');
    this.key = Buffer.from(options.key);
    this.slotSeconds = slotSeconds;
  }

  /** The nonce to hand out at `now` (the same for every call in one slot, on every replica). */
  current(now: Date): string {
    return this.nonceOf(this.slotAt(now)).toString('base64url');
  }

  /** Why `nonce` is not accepted at `now`, or undefined when it is. */
  problem(nonce: unknown, now: Date): DpopNonceProblem | undefined {
    if (nonce === undefined) return 'missing';
    if (typeof nonce !== 'string' || nonce.length !== NONCE_LENGTH) return 'invalid';
    const bytes = Buffer.from(nonce, 'base64url');
    // A non-canonical spelling decodes to the same bytes: accept only our own.
    if (bytes.length !== SLOT_BYTES + MAC_BYTES || bytes.toString('base64url') !== nonce) return 'invalid';
    const slot = bytes.readBigUInt64BE(0);
    if (!timingSafeEqual(this.nonceOf(slot), bytes)) return 'invalid';
    const current = this.slotAt(now);
    return slot === current || slot === current - 1n ? undefined : 'stale';
  }

  private slotAt(now: Date): bigint {
    return BigInt(Math.floor(now.getTime() / 1000 / this.slotSeconds));
  }

  private nonceOf(slot: bigint): Buffer {
    const slotBytes = Buffer.alloc(SLOT_BYTES);
    slotBytes.writeBigUInt64BE(slot);
    const mac = createHmac('sha256', this.key).update(DOMAIN).update(slotBytes).digest().subarray(0, MAC_BYTES);
    return Buffer.concat([slotBytes, mac]);
  }
}
