import { randomBytes } from 'node:crypto';
import { SecretSealer } from './secret-sealer';

describe('SecretSealer.deriveKey (HKDF-SHA-256 from the data key)', () => {
  const dataKey = randomBytes(32);

  it('derives the same key on every replica sharing the data key, another per purpose and per data key', () => {
    const a = new SecretSealer(dataKey).deriveKey('dpop-nonce v1');
    expect(a).toHaveLength(32);
    expect(new SecretSealer(Buffer.from(dataKey)).deriveKey('dpop-nonce v1')).toEqual(a);
    expect(new SecretSealer(dataKey).deriveKey('another purpose')).not.toEqual(a);
    expect(new SecretSealer(randomBytes(32)).deriveKey('dpop-nonce v1')).not.toEqual(a);
    expect(a).not.toEqual(dataKey);
  });

  it('refuses an empty purpose', () => {
    expect(() => new SecretSealer(dataKey).deriveKey('')).toThrow(RangeError);
  });
});
