import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { FixedClock } from '@app/shared';
import { KEY_FILE_SUFFIX, KeyStore } from './key-store';
import type { SigningError } from './errors';

const T0 = new Date('2025-01-01T00:00:00Z');
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ALLOWED_PUBLIC_MEMBERS: Record<string, string[]> = {
  RSA: ['kty', 'kid', 'alg', 'use', 'n', 'e'],
  EC: ['kty', 'kid', 'alg', 'use', 'crv', 'x', 'y'],
  OKP: ['kty', 'kid', 'alg', 'use', 'crv', 'x'],
};

const dirs: string[] = [];
async function tempKeyDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'signing-keys-'));
  dirs.push(root);
  return join(root, 'keys');
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as SigningError).code;
  }
  throw new Error('expected a rejection');
}

async function privateJwk(alg: 'RS256' | 'ES256' | 'EdDSA'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return exportJWK(privateKey);
}

describe('KeyStore', () => {
  describe('on first start with an empty directory', () => {
    let dir: string;
    let store: KeyStore;
    beforeAll(async () => {
      dir = await tempKeyDir();
      store = await KeyStore.open({ dir, clock: new FixedClock(T0) });
    });

    it('generates one RS256, one ES256 and one EdDSA key', () => {
      expect(store.source).toBe('directory');
      expect(store.algorithms()).toEqual(['RS256', 'ES256', 'EdDSA']);
      expect(store.list().map((k) => [k.alg, k.status])).toEqual([
        ['RS256', 'signing'],
        ['ES256', 'signing'],
        ['EdDSA', 'signing'],
      ]);
    });

    it('writes each as a private JWK file <kid>.jwk.json, mode 0600, in a 0700 directory', async () => {
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      const files = (await readdir(dir)).filter((f) => f.endsWith(KEY_FILE_SUFFIX)).sort();
      expect(files).toHaveLength(3);
      for (const file of files) {
        expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
        const jwk = JSON.parse(await readFile(join(dir, file), 'utf8')) as JWK & { created_at: string };
        expect(file).toBe(`${jwk.kid}${KEY_FILE_SUFFIX}`);
        expect(jwk.use).toBe('sig');
        expect(typeof jwk.d).toBe('string');
        expect(jwk.created_at).toBe(T0.toISOString());
        // RFC 7638: the kid is the SHA-256 thumbprint of the public key.
        expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk));
      }
      const rsa = JSON.parse(await readFile(join(dir, `${store.signingKey('RS256').kid}${KEY_FILE_SUFFIX}`), 'utf8')) as JWK;
      expect(Buffer.from(rsa.n as string, 'base64url').length * 8).toBe(2048);
      const ec = JSON.parse(await readFile(join(dir, `${store.signingKey('ES256').kid}${KEY_FILE_SUFFIX}`), 'utf8')) as JWK;
      expect(ec.crv).toBe('P-256');
      const okp = JSON.parse(await readFile(join(dir, `${store.signingKey('EdDSA').kid}${KEY_FILE_SUFFIX}`), 'utf8')) as JWK;
      expect(okp.crv).toBe('Ed25519');
    });

    it('keeps the same kids when reloaded (no regeneration)', async () => {
      const again = await KeyStore.open({ dir, clock: new FixedClock(T0) });
      expect(again.jwks()).toEqual(store.jwks());
      expect((await readdir(dir)).filter((f) => f.endsWith(KEY_FILE_SUFFIX))).toHaveLength(3);
    });

    it('publishes a JWKS of public members only, each with kid, alg and use "sig"', () => {
      const { keys } = store.jwks();
      expect(keys.map((k) => k.alg)).toEqual(['RS256', 'ES256', 'EdDSA']);
      for (const key of keys) {
        const members = Object.keys(key);
        for (const member of PRIVATE_MEMBERS) expect(members).not.toContain(member);
        expect(members.sort()).toEqual([...(ALLOWED_PUBLIC_MEMBERS[key.kty] ?? [])].sort());
        expect(key.use).toBe('sig');
        expect(key.kid).toBe(store.signingKey(key.alg).kid);
      }
    });

    it('finds verification keys by kid and not unknown ones', async () => {
      const kid = store.signingKey('ES256').kid;
      expect(await store.verificationKey(kid)).toMatchObject({ kid, alg: 'ES256' });
      expect(await store.verificationKey('no-such-kid')).toBeUndefined();
    });
  });

  it('agrees on one key set when two processes start on the same empty directory', async () => {
    const dir = await tempKeyDir();
    const [a, b] = await Promise.all([
      KeyStore.open({ dir, clock: new FixedClock(T0) }),
      KeyStore.open({ dir, clock: new FixedClock(T0) }),
    ]);
    expect(a.jwks()).toEqual(b.jwks());
    expect((await readdir(dir)).filter((f) => f.endsWith(KEY_FILE_SUFFIX))).toHaveLength(3);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') || f === '.lock')).toEqual([]);
  });

  describe('rotation', () => {
    let dir: string;
    let clock: FixedClock;
    let store: KeyStore;
    beforeAll(async () => {
      dir = await tempKeyDir();
      clock = new FixedClock(T0);
      store = await KeyStore.open({ dir, clock });
    });

    it('makes the new key the signer and keeps the old one in the JWKS', async () => {
      const oldKid = store.signingKey('RS256').kid;
      clock.advance(60_000);
      const info = await store.rotate('RS256');
      expect(info).toMatchObject({ alg: 'RS256', status: 'signing', createdAt: clock.now().toISOString() });
      expect(store.signingKey('RS256').kid).toBe(info.kid);
      expect(info.kid).not.toBe(oldKid);
      expect(store.jwks().keys.filter((k) => k.alg === 'RS256').map((k) => k.kid)).toEqual([info.kid, oldKid]);
      expect(await store.verificationKey(oldKid)).toBeDefined();
      expect(store.list().find((k) => k.kid === oldKid)?.status).toBe('active');
    });

    it('orders by created_at, so a reload picks the same signer', async () => {
      const reopened = await KeyStore.open({ dir, clock });
      expect(reopened.signingKey('RS256').kid).toBe(store.signingKey('RS256').kid);
      expect(reopened.jwks()).toEqual(store.jwks());
    });

    it('publishes a key with notBefore at once but signs with it only from then', async () => {
      const current = store.signingKey('ES256').kid;
      const notBefore = new Date(clock.now().getTime() + 3_600_000);
      const info = await store.rotate('ES256', { notBefore });
      expect(info.status).toBe('pending');
      expect(store.jwks().keys.map((k) => k.kid)).toContain(info.kid);
      expect(store.signingKey('ES256').kid).toBe(current);
      clock.set(notBefore);
      expect(store.signingKey('ES256').kid).toBe(info.kid);
    });

    it('retires a key: gone from the JWKS and from verification', async () => {
      const older = store.list().find((k) => k.alg === 'RS256' && k.status === 'active');
      expect(older).toBeDefined();
      const info = await store.retire(older!.kid, { tokenLifetimeSeconds: 3600, force: true });
      expect(info.status).toBe('retired');
      expect(store.jwks().keys.map((k) => k.kid)).not.toContain(older!.kid);
      expect(await store.verificationKey(older!.kid)).toBeUndefined();
      const reopened = await KeyStore.open({ dir, clock });
      expect(reopened.jwks().keys.map((k) => k.kid)).not.toContain(older!.kid);
    });

    it('refuses to retire the last active key of an algorithm (KEY_IN_USE)', async () => {
      expect(await codeOf(store.retire(store.signingKey('EdDSA').kid, { tokenLifetimeSeconds: 0, force: true }))).toBe('KEY_IN_USE');
      expect(await codeOf(store.retire('no-such-kid', { tokenLifetimeSeconds: 0 }))).toBe('KEY_NOT_FOUND');
    });

    it('refuses to retire a superseded key while tokens it signed may be valid (KEY_MAY_STILL_VERIFY), then retires it', async () => {
      const old = store.signingKey('EdDSA').kid;
      clock.set(new Date(clock.now().getTime() + 60_000));
      const rotatedAt = clock.now().getTime();
      await store.rotate('EdDSA');
      const lifetime = { tokenLifetimeSeconds: 3600, reloadIntervalMs: 60_000 };

      clock.set(new Date(rotatedAt + 3_600_000 + 59_000));
      const refused = await store.retire(old, lifetime).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'KEY_MAY_STILL_VERIFY', safeAfter: new Date(rotatedAt + 3_660_000) });
      expect(store.list().find((k) => k.kid === old)?.status).toBe('active');

      clock.set(new Date(rotatedAt + 3_660_000));
      await expect(store.retire(old, lifetime)).resolves.toMatchObject({ kid: old, status: 'retired' });
    });

    it('retires a pending key (it never signed) without waiting', async () => {
      const pending = await store.rotate('ES256', { notBefore: new Date(clock.now().getTime() + 3_600_000) });
      await expect(store.retire(pending.kid, { tokenLifetimeSeconds: 36_000 })).resolves.toMatchObject({ status: 'retired' });
    });

    it('lets another process find a key rotated in after it loaded (reload on unknown kid)', async () => {
      const other = await KeyStore.open({ dir, clock, reloadCooldownMs: 0 });
      const info = await store.rotate('EdDSA');
      expect(await other.verificationKey(info.kid)).toMatchObject({ kid: info.kid, alg: 'EdDSA' });
    });
  });

  describe('with keys given by the environment', () => {
    let rsa: JWK;
    let ec: JWK;
    beforeAll(async () => {
      [rsa, ec] = await Promise.all([privateJwk('RS256'), privateJwk('ES256')]);
    });

    it('uses SIGNING_KEYS as given, generates nothing and writes nothing', async () => {
      const dir = await tempKeyDir();
      const store = await KeyStore.open({ dir, clock: new FixedClock(T0), keysJson: JSON.stringify({ keys: [rsa, { ...ec, kid: 'ec-1' }] }) });
      expect(store.source).toBe('provided');
      expect(store.algorithms()).toEqual(['RS256', 'ES256']);
      // kid defaults to the RFC 7638 thumbprint; alg is inferred from kty/crv.
      expect(store.signingKey('RS256').kid).toBe(await calculateJwkThumbprint(rsa));
      expect(store.signingKey('ES256').kid).toBe('ec-1');
      await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await codeOf(store.rotate('RS256'))).toBe('KEY_STORE_READ_ONLY');
      expect(() => store.signingKey('EdDSA')).toThrow(expect.objectContaining({ code: 'NO_SIGNING_KEY' }));
    });

    it('reads a keys file (SIGNING_KEYS_FILE); without created_at the later entry of an algorithm signs', async () => {
      const root = await mkdtemp(join(tmpdir(), 'signing-env-'));
      dirs.push(root);
      const second = await privateJwk('RS256');
      const file = join(root, 'jwks.json');
      await writeFile(file, JSON.stringify({ keys: [{ ...rsa, kid: 'first' }, { ...second, kid: 'second' }] }));
      const store = await KeyStore.open({ dir: join(root, 'keys'), keysFile: file, clock: new FixedClock(T0) });
      expect(store.signingKey('RS256').kid).toBe('second');
      expect(store.jwks().keys.map((k) => k.kid)).toEqual(['second', 'first']);
    });

    it('refuses a public-only key, a short RSA key, bad JSON and a set without RS256 (KEY_STORE_INVALID)', async () => {
      const dir = await tempKeyDir();
      const clock = new FixedClock(T0);
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicOnly } = rsa;
      // jose itself refuses to generate one: node:crypto does.
      const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
      const cases = [
        JSON.stringify({ keys: [publicOnly] }),
        JSON.stringify({ keys: [small] }),
        '{not json',
        JSON.stringify({ keys: [ec] }),
        JSON.stringify({ keys: [] }),
        JSON.stringify({ keys: [{ ...rsa, alg: 'ES256' }] }),
        JSON.stringify({ keys: [{ ...rsa, use: 'enc' }] }),
      ];
      for (const keysJson of cases) {
        expect(await codeOf(KeyStore.open({ dir, clock, keysJson }))).toBe('KEY_STORE_INVALID');
      }
    });
  });

  it('keeps the unknown-kid cooldown when the re-read fails: a broken key file costs one read per window, not one per forged kid', async () => {
    const dir = await tempKeyDir();
    const store = await KeyStore.open({ dir, clock: new FixedClock(T0), reloadCooldownMs: 300 });
    await writeFile(join(dir, `broken${KEY_FILE_SUFFIX}`), '{"kty":"RSA"');
    await new Promise((resolve) => setTimeout(resolve, 350));
    // The attack: five unauthenticated requests with forged kids.
    const outcomes = await Promise.allSettled([0, 1, 2, 3, 4].map(async (i) => store.verificationKey(`forged-${i}`)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === undefined)).toHaveLength(4);
    // Known keys keep verifying from what was loaded before.
    const known = store.list()[0]!.kid;
    expect(await store.verificationKey(known)).toMatchObject({ kid: known });
  });

  it('refuses a corrupt key file instead of silently regenerating (KEY_STORE_INVALID)', async () => {
    const dir = await tempKeyDir();
    await KeyStore.open({ dir, clock: new FixedClock(T0) });
    await writeFile(join(dir, `broken${KEY_FILE_SUFFIX}`), '{"kty":"RSA"');
    expect(await codeOf(KeyStore.open({ dir, clock: new FixedClock(T0) }))).toBe('KEY_STORE_INVALID');
  });
});
