import type { IdGenerator } from '@app/shared';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from './secrets';
import { generateClientId, generateCredentialId } from './identifiers';
import type { SigningError } from './errors';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as SigningError).code;
  }
  throw new Error('expected a rejection');
}

describe('client secrets', () => {
  it('are 48 random bytes, base64url', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(48);
    expect(generateClientSecret()).not.toBe(secret);
  });

  it('hash to a salted scrypt verifier that accepts the right secret and refuses a wrong one', async () => {
    const secret = generateClientSecret();
    const hash = await hashClientSecret(secret);
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyClientSecret(secret, hash)).toBe(true);
    expect(await verifyClientSecret(generateClientSecret(), hash)).toBe(false);
    expect(await verifyClientSecret(`${secret}x`, hash)).toBe(false);
    expect(await verifyClientSecret('', hash)).toBe(false);
    // Per-secret salt: the same secret never hashes the same twice.
    expect(await hashClientSecret(secret)).not.toBe(hash);
  });

  it('refuses a malformed verifier or one with abusive parameters (INVALID_INPUT)', async () => {
    const hash = await hashClientSecret('operator-chosen');
    expect(await codeOf(verifyClientSecret('operator-chosen', 'plain-text'))).toBe('INVALID_INPUT');
    expect(await codeOf(verifyClientSecret('operator-chosen', hash.replace('$32768$', '$1073741824$')))).toBe('INVALID_INPUT');
    expect(await codeOf(verifyClientSecret('operator-chosen', hash.replace('$32768$', '$30000$')))).toBe('INVALID_INPUT');
  });
});

describe('public ids', () => {
  it('credential ids look like Auth0 device credential ids', () => {
    const ids = new Set(Array.from({ length: 1_000 }, generateCredentialId));
    expect(ids.size).toBe(1_000);
    for (const id of ids) expect(id).toMatch(/^dcr_[A-Za-z0-9]{16}$/);
  });

  it('client ids are 32 alphanumerics', () => {
    const ids = new Set(Array.from({ length: 1_000 }, generateClientId));
    expect(ids.size).toBe(1_000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('are made through the IdGenerator given (a test can fix them)', () => {
    const asked: number[] = [];
    const ids: IdGenerator = { uuid: () => 'u', random: () => 'r', alphanumeric: (length) => (asked.push(length), 'x'.repeat(length)) };
    expect(generateCredentialId(ids)).toBe(`dcr_${'x'.repeat(16)}`);
    expect(generateClientId(ids)).toBe('x'.repeat(32));
    expect(asked).toEqual([16, 32]);
  });

  it('draw every alphanumeric character', () => {
    const seen = new Set(Array.from({ length: 200 }, generateClientId).join(''));
    expect(seen.size).toBe(62);
  });
});
