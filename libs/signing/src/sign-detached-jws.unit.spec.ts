import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { FixedClock } from '@app/shared';
import { KeyStore } from './key-store';
import { signDetachedJws } from './sign-detached-jws';

const T0 = new Date('2025-03-01T12:00:00Z');
const payload = new Uint8Array([0, 0, 0, 1, 0x41, 0xff]);

let root: string;
let keyStore: KeyStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'signing-detached-'));
  keyStore = await KeyStore.open({ dir: join(root, 'keys'), clock: new FixedClock(T0) });
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** RFC 7515 Appendix F: the verifier puts the payload's base64url form back between the dots. */
const attach = (jws: string, bytes: Uint8Array) => jws.replace('..', `.${base64url.encode(bytes)}.`);

describe('signDetachedJws (RFC 7515 Appendix F)', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)('signs with the current %s key: header..signature, kid and typ protected, verifiable with the JWKS', async (alg) => {
    const jws = await signDetachedJws({ keyStore, alg, typ: 'example+jws', payload });
    expect(jws).toMatch(/^[\w-]+\.\.[\w-]+$/);
    expect(decodeProtectedHeader(jws)).toEqual({ alg, kid: keyStore.signingKey(alg).kid, typ: 'example+jws' });
    const { payload: verified } = await compactVerify(attach(jws, payload), createLocalJWKSet(keyStore.jwks()));
    expect(Buffer.from(verified).equals(Buffer.from(payload))).toBe(true);
  });

  it('does not verify with another payload', async () => {
    const jws = await signDetachedJws({ keyStore, alg: 'ES256', typ: 'example+jws', payload });
    await expect(compactVerify(attach(jws, new Uint8Array([0, 0, 0, 1, 0x42, 0xff])), createLocalJWKSet(keyStore.jwks()))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });
});
