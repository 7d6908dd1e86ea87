import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_KEY_FILE, SecretSealer } from './secret-sealer';
import type { SigningError } from './errors';

const dirs: string[] = [];
async function tempKeyDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'signing-sealer-'));
  dirs.push(root);
  return join(root, 'keys');
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as SigningError).code;
  }
  throw new Error('expected a throw');
}

/** Flips one bit of the base64url part at `index` of a sealed value. */
function flip(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] as string, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretSealer', () => {
  const sealer = new SecretSealer(randomBytes(32));
  const secret = 'client-secret-Ünïcødé-0123456789';

  it('round-trips, with a fresh IV each time', () => {
    const a = sealer.seal(secret);
    const b = sealer.seal(secret);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(sealer.open(a)).toBe(secret);
    expect(sealer.open(b)).toBe(secret);
  });

  it('detects tampering with the IV, the ciphertext or the tag (SEALED_VALUE_INVALID)', () => {
    const sealed = sealer.seal(secret);
    for (const index of [2, 3, 4]) expect(codeOf(() => sealer.open(flip(sealed, index)))).toBe('SEALED_VALUE_INVALID');
    expect(codeOf(() => sealer.open(sealed.replace(/^v1/, 'v2')))).toBe('SEALED_VALUE_INVALID');
    expect(codeOf(() => sealer.open('garbage'))).toBe('SEALED_VALUE_INVALID');
  });

  it('binds the context: a value sealed for one client does not open for another', () => {
    const sealed = sealer.seal(secret, 'client-a');
    expect(sealer.open(sealed, 'client-a')).toBe(secret);
    expect(codeOf(() => sealer.open(sealed, 'client-b'))).toBe('SEALED_VALUE_INVALID');
  });

  it('refuses a value sealed under another data key', () => {
    const other = new SecretSealer(randomBytes(32));
    expect(codeOf(() => other.open(sealer.seal(secret)))).toBe('SEALED_VALUE_INVALID');
  });

  describe('load', () => {
    it('generates data.key (0600) on first start and reads the same key afterwards', async () => {
      const dir = await tempKeyDir();
      const first = await SecretSealer.load({ dir });
      expect((await stat(join(dir, DATA_KEY_FILE))).mode & 0o777).toBe(0o600);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect(Buffer.from((await readFile(join(dir, DATA_KEY_FILE), 'utf8')).trim(), 'base64')).toHaveLength(32);
      const sealed = first.seal(secret);
      const second = await SecretSealer.load({ dir });
      expect(second.keyId).toBe(first.keyId);
      expect(second.open(sealed)).toBe(secret);
    });

    it('agrees on one key when two processes start at once', async () => {
      const dir = await tempKeyDir();
      const sealers = await Promise.all([1, 2, 3, 4].map(() => SecretSealer.load({ dir })));
      expect(new Set(sealers.map((s) => s.keyId)).size).toBe(1);
      expect(await readdir(dir)).toEqual([DATA_KEY_FILE]);
    });

    it('uses DATA_KEY when given and writes nothing', async () => {
      const dir = await tempKeyDir();
      const key = randomBytes(32);
      const fromEnv = await SecretSealer.load({ dir, dataKey: key.toString('base64') });
      expect(fromEnv.open(new SecretSealer(key).seal(secret))).toBe(secret);
      await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('refuses a DATA_KEY that is not 32 bytes of base64 (DATA_KEY_INVALID)', async () => {
      const dir = await tempKeyDir();
      for (const dataKey of [randomBytes(16).toString('base64'), 'not base64!', '']) {
        await expect(SecretSealer.load({ dir, dataKey })).rejects.toMatchObject({ code: 'DATA_KEY_INVALID' });
      }
    });
  });
});
