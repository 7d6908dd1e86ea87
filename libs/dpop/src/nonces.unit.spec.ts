import { randomBytes } from 'node:crypto';
import { DpopNonces } from './nonces';

const KEY = randomBytes(32);
const AT = new Date('2025-03-01T12:00:30Z');
const later = (seconds: number): Date => new Date(AT.getTime() + seconds * 1000);

describe('DpopNonces (RFC 9449 §8, stateless across replicas)', () => {
  const nonces = new DpopNonces({ key: KEY, slotSeconds: 60 });

  it('issues the same nonce on every replica sharing the key, within one slot', () => {
    const replica = new DpopNonces({ key: Buffer.from(KEY), slotSeconds: 60 });
    expect(replica.current(AT)).toBe(nonces.current(AT));
    expect(nonces.current(later(29))).toBe(nonces.current(AT));
    expect(nonces.current(later(30))).not.toBe(nonces.current(AT));
  });

  it('uses the NQCHAR syntax of §8.1 (base64url)', () => {
    expect(nonces.current(AT)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('accepts a nonce of the current and of the previous slot; refuses older ones and future ones', () => {
    const nonce = nonces.current(AT);
    expect(nonces.problem(nonce, AT)).toBeUndefined();
    expect(nonces.problem(nonce, later(60))).toBeUndefined();
    expect(nonces.problem(nonce, later(90))).toBe('stale');
    expect(nonces.problem(nonces.current(later(60)), AT)).toBe('stale');
  });

  it("refuses another key's nonce, a forged slot and a tampered MAC", () => {
    expect(new DpopNonces({ key: randomBytes(32) }).problem(nonces.current(AT), AT)).toBe('invalid');
    const bytes = Buffer.from(nonces.current(AT), 'base64url');
    const forgedSlot = Buffer.from(bytes);
    forgedSlot.writeBigUInt64BE(bytes.readBigUInt64BE(0) + 1n);
    expect(nonces.problem(forgedSlot.toString('base64url'), later(60))).toBe('invalid');
    const tampered = Buffer.from(bytes);
    tampered[tampered.length - 1] ^= 1;
    expect(nonces.problem(tampered.toString('base64url'), AT)).toBe('invalid');
  });

  it('tells a missing nonce from a malformed one', () => {
    expect(nonces.problem(undefined, AT)).toBe('missing');
    expect(nonces.problem('', AT)).toBe('invalid');
    expect(nonces.problem(42, AT)).toBe('invalid');
    expect(nonces.problem(`${nonces.current(AT)}=`, AT)).toBe('invalid');
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new DpopNonces({ key: randomBytes(16) })).toThrow(RangeError);
  });
});
