import { createHmac, hkdfSync } from 'node:crypto';
import { SecretSealer } from '@app/signing';
import { deriveSuccessor, SUCCESSOR_KEY_INFO } from './successor';

const dataKey = Buffer.alloc(32, 7);
const successorKey = (data: Buffer): Buffer => new SecretSealer(data).deriveKey(SUCCESSOR_KEY_INFO);

describe('successor derivation', () => {
  it('is HMAC-SHA256 under the HKDF of the data key, as decisions.md states it', () => {
    const key = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'refresh-token successor v1', 32));
    expect(successorKey(dataKey)).toEqual(key);
    const expected = 'rt_' + createHmac('sha256', key).update(`dcr_1\n3\n${'a'.repeat(64)}`).digest('base64url');
    expect(deriveSuccessor(key, 'dcr_1', 3, 'a'.repeat(64))).toBe(expected);
  });

  it('has the shape of a generated token and is the same on every call (any replica re-answers it)', () => {
    const successor = deriveSuccessor(successorKey(dataKey), 'dcr_1', 1, 'b'.repeat(64));
    expect(successor).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(deriveSuccessor(successorKey(Buffer.from(dataKey)), 'dcr_1', 1, 'b'.repeat(64))).toBe(successor);
  });

  it('differs per credential, generation, predecessor and data key', () => {
    const key = successorKey(dataKey);
    const base = deriveSuccessor(key, 'dcr_1', 1, 'b'.repeat(64));
    expect(deriveSuccessor(key, 'dcr_2', 1, 'b'.repeat(64))).not.toBe(base);
    expect(deriveSuccessor(key, 'dcr_1', 2, 'b'.repeat(64))).not.toBe(base);
    expect(deriveSuccessor(key, 'dcr_1', 1, 'c'.repeat(64))).not.toBe(base);
    expect(deriveSuccessor(successorKey(Buffer.alloc(32, 8)), 'dcr_1', 1, 'b'.repeat(64))).not.toBe(base);
  });
});
