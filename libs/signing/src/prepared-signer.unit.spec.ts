import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, type KeyLike } from 'jose';
import { FixedClock } from '@app/shared';
import type { AsymmetricAlg } from './algorithms';
import { KeyStore } from './key-store';
import { prepareSigner, preparedSignerFor } from './prepared-signer';

const CLAIMS = { iss: 'https://auth.example.com/', sub: 'auth0|user-é', aud: 'client', iat: 1_700_000_000, exp: 1_700_036_000, azp: 'client', sid: 'dcr_1' };

// Every alg with every key type it may be given: RSA moduli of 2048 to 4096 bits, P-256, Ed25519.
const KEY_TYPES: [AsymmetricAlg, string, () => Promise<{ privateKey: KeyLike; publicKey: KeyLike }>][] = [
  ['RS256', 'RSA 2048', () => generateKeyPair('RS256', { modulusLength: 2048 })],
  ['RS256', 'RSA 3072', () => generateKeyPair('RS256', { modulusLength: 3072 })],
  ['RS256', 'RSA 4096', () => generateKeyPair('RS256', { modulusLength: 4096 })],
  ['ES256', 'EC P-256', () => generateKeyPair('ES256')],
  ['EdDSA', 'Ed25519', () => generateKeyPair('EdDSA', { crv: 'Ed25519' })],
];

describe('prepareSigner', () => {
  describe.each(KEY_TYPES)('%s with %s', (alg, _type, pair) => {
    let keys: { privateKey: KeyLike; publicKey: KeyLike };
    beforeAll(async () => {
      keys = await pair();
    });

    it("signs tokens jose's own verification accepts, with the header and claims as given", async () => {
      const signer = prepareSigner({ alg, kid: 'k1', privateKey: keys.privateKey, typ: 'JWT' });
      for (const claims of [CLAIMS, { ...CLAIMS, sub: 'other', iat: CLAIMS.iat + 1 }]) {
        const token = signer.sign(claims);
        const { payload, protectedHeader } = await jwtVerify(token, keys.publicKey, { algorithms: [alg], currentDate: new Date(claims.iat * 1000) });
        expect(protectedHeader).toEqual({ alg, kid: 'k1', typ: 'JWT' });
        expect(payload).toEqual(claims);
      }
    });

    it('makes a signature jose refuses once a byte of the payload changes', async () => {
      const token = prepareSigner({ alg, kid: 'k1', privateKey: keys.privateKey, typ: 'JWT' }).sign(CLAIMS);
      const [header, , signature] = token.split('.');
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...CLAIMS, sub: 'admin' })).toString('base64url')}.${signature}`;
      await expect(compactVerify(forged, keys.publicKey)).rejects.toThrow('signature verification failed');
    });

    it('refuses the public key and a key of another type when preparing', async () => {
      expect(() => prepareSigner({ alg, kid: 'k1', privateKey: keys.publicKey, typ: 'JWT' })).toThrow(`the key cannot sign ${alg}`);
      const other = await generateKeyPair(alg === 'EdDSA' ? 'ES256' : 'EdDSA', alg === 'EdDSA' ? {} : { crv: 'Ed25519' });
      expect(() => prepareSigner({ alg, kid: 'k1', privateKey: other.privateKey, typ: 'JWT' })).toThrow(`the key cannot sign ${alg}`);
    });
  });

  it('refuses an EC key of another curve for ES256 (jose would sign it as ES384)', async () => {
    const p384 = await generateKeyPair('ES384');
    expect(() => prepareSigner({ alg: 'ES256', kid: 'k1', privateKey: p384.privateKey, typ: 'JWT' })).toThrow('the key cannot sign ES256');
  });

  it('writes ES256 signatures as R || S (64 bytes), not DER', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = prepareSigner({ alg: 'ES256', kid: 'k1', privateKey, typ: 'JWT' }).sign(CLAIMS);
    expect(Buffer.from(token.split('.')[2], 'base64url')).toHaveLength(64);
  });
});

describe('preparedSignerFor', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'signing-prepared-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("follows a key store's rotation: the new key signs, under its own kid, and the JWKS verifies both", async () => {
    const clock = new FixedClock(new Date());
    const keyStore = await KeyStore.open({ dir: join(root, 'keys'), clock });
    const before = preparedSignerFor(keyStore.signingKey('ES256'), 'JWT');
    expect(preparedSignerFor(keyStore.signingKey('ES256'), 'JWT')).toBe(before);
    // The newest key signs: a later creation time, as a real rotation has (a tie would leave the choice to the kids' order).
    clock.advance(1_000);
    const rotated = await keyStore.rotate('ES256');
    const after = preparedSignerFor(keyStore.signingKey('ES256'), 'JWT');
    expect(after.kid).toBe(rotated.kid);
    expect(after.kid).not.toBe(before.kid);
    for (const signer of [before, after]) {
      const token = signer.sign(CLAIMS);
      expect(decodeProtectedHeader(token).kid).toBe(signer.kid);
      await expect(jwtVerify(token, createLocalJWKSet(keyStore.jwks()), { algorithms: ['ES256'], currentDate: new Date(CLAIMS.iat * 1000) })).resolves.toMatchObject({ protectedHeader: { kid: signer.kid } });
    }
  });

  it('prepares one signer per typ for the same key', async () => {
    const keyStore = await KeyStore.open({ dir: join(root, 'keys-typ'), clock: new FixedClock(new Date()) });
    const key = keyStore.signingKey('RS256');
    const token = preparedSignerFor(key, 'at+jwt').sign(CLAIMS);
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    expect(decodeProtectedHeader(preparedSignerFor(key, 'JWT').sign(CLAIMS)).typ).toBe('JWT');
  });
});
