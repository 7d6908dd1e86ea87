import { randomBytes } from 'node:crypto';
import { generateRefreshToken, REFRESH_TOKEN_PREFIX, type RandomSource } from '../refresh-token-secret';
import { hashRefreshToken } from './token-hash';

const csprng: RandomSource = { random: (bytes) => randomBytes(bytes).toString('base64url') };

describe('refresh tokens', () => {
  it('carry 256 bits of the given randomness after a recognisable prefix (F1)', () => {
    const token = generateRefreshToken(csprng);
    expect(token.startsWith(REFRESH_TOKEN_PREFIX)).toBe(true);
    const body = token.slice(REFRESH_TOKEN_PREFIX.length);
    expect(body).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(body, 'base64url')).toHaveLength(32);
  });

  it('take their randomness from the source they are given (an input, not hidden I/O)', () => {
    const asked: number[] = [];
    const fixed: RandomSource = { random: (bytes) => (asked.push(bytes), 'A'.repeat(43)) };
    expect(generateRefreshToken(fixed)).toBe(`rt_${'A'.repeat(43)}`);
    expect(asked).toEqual([32]);
  });

  it('are distinct from a CSPRNG', () => {
    const tokens = new Set(Array.from({ length: 10_000 }, () => generateRefreshToken(csprng)));
    expect(tokens.size).toBe(10_000);
  });

  it('hash to hex SHA-256 of the whole token (what events store)', () => {
    // FIPS 180-2 test vector.
    expect(hashRefreshToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = generateRefreshToken(csprng);
    expect(hashRefreshToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRefreshToken(token)).toBe(hashRefreshToken(token));
    expect(hashRefreshToken(token)).not.toBe(hashRefreshToken(generateRefreshToken(csprng)));
  });
});
