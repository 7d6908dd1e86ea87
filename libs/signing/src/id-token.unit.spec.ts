import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { FixedClock } from '@app/shared';
import type { SigningError } from './errors';
import { KeyStore } from './key-store';
import { mintAccessToken } from './mint-access-token';
import { mintIdToken, type MintIdTokenInput } from './mint-id-token';
import { verifyIdToken } from './verify-id-token';

const ISSUER = 'https://auth.example.com/';
const CLIENT_ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const SECRET = 'x'.repeat(64);
const T0 = new Date('2025-03-01T12:00:00.750Z');
const T0_SECONDS = Math.floor(T0.getTime() / 1000);

let root: string;
let keyStore: KeyStore;
let clock: FixedClock;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'signing-id-'));
  clock = new FixedClock(T0);
  keyStore = await KeyStore.open({ dir: join(root, 'keys'), clock });
});
afterAll(() => rm(root, { recursive: true, force: true }));
beforeEach(() => clock.set(T0));

const input = (overrides: Partial<MintIdTokenInput> = {}): MintIdTokenInput => ({
  keyStore,
  issuer: ISSUER,
  subject: 'auth0|user-1',
  audience: CLIENT_ID,
  azp: CLIENT_ID,
  sid: 'dcr_0123456789abcdef',
  lifetimeInSeconds: 36_000,
  alg: 'RS256',
  clock,
  ...overrides,
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as SigningError).code;
  }
  throw new Error('expected a rejection');
}

describe('mintIdToken', () => {
  describe.each(['RS256', 'ES256', 'EdDSA'] as const)('with %s', (alg) => {
    it('verifies with jose against the published JWKS and carries the product claims', async () => {
      const minted = await mintIdToken(input({ alg }));
      const { payload, protectedHeader } = await jwtVerify(minted.idToken, createLocalJWKSet(keyStore.jwks()), {
        issuer: ISSUER,
        audience: CLIENT_ID,
        algorithms: [alg],
        currentDate: clock.now(),
      });
      expect(protectedHeader).toEqual({ alg, kid: keyStore.signingKey(alg).kid, typ: 'JWT' });
      expect(payload).toEqual({
        iss: ISSUER,
        sub: 'auth0|user-1',
        aud: CLIENT_ID,
        azp: CLIENT_ID,
        sid: 'dcr_0123456789abcdef',
        iat: T0_SECONDS,
        exp: T0_SECONDS + 36_000,
      });
      expect(minted).toEqual({ idToken: minted.idToken, expiresIn: 36_000, iat: T0_SECONDS, exp: T0_SECONDS + 36_000, kid: protectedHeader.kid });
    });
  });

  it('signs HS256 with the client secret and no kid', async () => {
    const minted = await mintIdToken(input({ alg: 'HS256', hs256Secret: SECRET, lifetimeInSeconds: 60 }));
    expect(decodeProtectedHeader(minted.idToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(minted.idToken, new TextEncoder().encode(SECRET), { currentDate: clock.now() });
    expect(payload.exp).toBe((payload.iat as number) + 60);
    expect(minted.kid).toBeUndefined();
    await expect(jwtVerify(minted.idToken, new TextEncoder().encode('y'.repeat(64)), { currentDate: clock.now() })).rejects.toThrow();
  });

  it('uses the target as aud and keeps the client in azp', async () => {
    const { idToken } = await mintIdToken(input({ audience: 'https://api.example.com' }));
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(keyStore.jwks()), { currentDate: clock.now() });
    expect(payload).toMatchObject({ aud: 'https://api.example.com', azp: CLIENT_ID });
  });

  it('adds extra claims but never lets them replace a reserved one', async () => {
    const { idToken } = await mintIdToken(input({ extraClaims: { scope: 'openid' } }));
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(keyStore.jwks()), { currentDate: clock.now() });
    expect(payload.scope).toBe('openid');
    expect(await codeOf(mintIdToken(input({ extraClaims: { sub: 'someone-else' } })))).toBe('INVALID_INPUT');
  });

  it('refuses HS256 without a secret of at least 256 bits, and a non-positive lifetime (INVALID_INPUT)', async () => {
    expect(await codeOf(mintIdToken(input({ alg: 'HS256' })))).toBe('INVALID_INPUT');
    expect(await codeOf(mintIdToken(input({ alg: 'HS256', hs256Secret: 'short' })))).toBe('INVALID_INPUT');
    expect(await codeOf(mintIdToken(input({ lifetimeInSeconds: 0 })))).toBe('INVALID_INPUT');
  });
});

describe('verifyIdToken', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)('accepts our %s id_token and returns its claims', async (alg) => {
    const { idToken, kid } = await mintIdToken(input({ alg }));
    const verified = await verifyIdToken(idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID, audience: CLIENT_ID });
    expect(verified).toMatchObject({ alg, kid, claims: { sub: 'auth0|user-1', aud: CLIENT_ID, azp: CLIENT_ID, sid: 'dcr_0123456789abcdef' } });
  });

  it("accepts HS256 only with the presenting client's own secret", async () => {
    const { idToken } = await mintIdToken(input({ alg: 'HS256', hs256Secret: SECRET }));
    const verified = await verifyIdToken(idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID, hs256Secret: SECRET });
    expect(verified.alg).toBe('HS256');
    expect(await codeOf(verifyIdToken(idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID }))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifyIdToken(idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID, hs256Secret: 'z'.repeat(64) }))).toBe(
      'TOKEN_INVALID',
    );
  });

  it('refuses a token whose azp is not the presenting client, even signed with that client\'s key (TOKEN_CLAIM_INVALID azp)', async () => {
    // The operator of client A signs {azp: A, aud: [V]} with A's secret and presents it as V: V's secret does not verify it...
    const attacker = await mintIdToken(input({ alg: 'HS256', hs256Secret: SECRET, azp: 'client-A', audience: CLIENT_ID }));
    expect(await codeOf(verifyIdToken(attacker.idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID, hs256Secret: 'v'.repeat(64) }))).toBe(
      'TOKEN_INVALID',
    );
    // ...and a token verified with the caller's key still has to name the caller in azp, whatever aud says.
    const verifies = { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID, hs256Secret: SECRET };
    expect(await codeOf(verifyIdToken(attacker.idToken, verifies))).toBe('TOKEN_CLAIM_INVALID');
    const ours = await mintIdToken(input({ azp: 'client-A', audience: CLIENT_ID }));
    await expect(verifyIdToken(ours.idToken, verifies)).rejects.toMatchObject({ code: 'TOKEN_CLAIM_INVALID', claim: 'azp' });
  });

  it('refuses an expired id_token (TOKEN_EXPIRED) once past the clock tolerance', async () => {
    const { idToken } = await mintIdToken(input({ lifetimeInSeconds: 60 }));
    clock.advance(60_000 + 10_000);
    await expect(verifyIdToken(idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID })).resolves.toBeDefined();
    clock.advance(10_000);
    expect(await codeOf(verifyIdToken(idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID }))).toBe('TOKEN_EXPIRED');
  });

  it('refuses another issuer or audience (TOKEN_CLAIM_INVALID) and a missing token (TOKEN_MISSING)', async () => {
    const { idToken } = await mintIdToken(input());
    expect(await codeOf(verifyIdToken(idToken, { keyStore, issuer: 'https://evil.example.com/', clock, clientId: CLIENT_ID }))).toBe('TOKEN_CLAIM_INVALID');
    expect(await codeOf(verifyIdToken(idToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID, audience: 'other-client' }))).toBe('TOKEN_CLAIM_INVALID');
    expect(await codeOf(verifyIdToken(undefined, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID }))).toBe('TOKEN_MISSING');
    expect(await codeOf(verifyIdToken('not.a.jwt', { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID }))).toBe('TOKEN_INVALID');
  });

  it('refuses a management access token presented as an id_token (typ at+jwt, RFC 8725 §3.11)', async () => {
    const { accessToken } = await mintAccessToken({ keyStore, issuer: ISSUER, audience: CLIENT_ID, clientId: CLIENT_ID, scope: [], clock });
    expect(await codeOf(verifyIdToken(accessToken, { keyStore, issuer: ISSUER, clock, clientId: CLIENT_ID }))).toBe('TOKEN_INVALID');
  });
});
