import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { FixedClock } from '@app/shared';
import { bearerToken } from './bearer-token';
import type { SigningError } from './errors';
import { KeyStore } from './key-store';
import { mintAccessToken, type MintAccessTokenInput } from './mint-access-token';
import { mintIdToken } from './mint-id-token';
import { verifyAccessToken, type VerifyAccessTokenOptions } from './verify-access-token';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = `${ISSUER}api/v2/`;
const CLIENT_ID = 'MgmtClient0123456789abcdefghijkl';
const T0 = new Date('2025-03-01T12:00:00Z');
const T0_SECONDS = T0.getTime() / 1000;

let root: string;
let keyStore: KeyStore;
let clock: FixedClock;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'signing-at-'));
  clock = new FixedClock(T0);
  keyStore = await KeyStore.open({ dir: join(root, 'keys'), clock });
});
afterAll(() => rm(root, { recursive: true, force: true }));
beforeEach(() => clock.set(T0));

const mint = (overrides: Partial<MintAccessTokenInput> = {}) =>
  mintAccessToken({ keyStore, issuer: ISSUER, audience: AUDIENCE, clientId: CLIENT_ID, scope: ['read:clients', 'delete:refresh_tokens'], clock, ...overrides });
const options = (overrides: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions => ({
  keyStore,
  issuer: ISSUER,
  audience: AUDIENCE,
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

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('mintAccessToken', () => {
  it('mints an RS256 at+jwt with Auth0 client_credentials claims', async () => {
    const minted = await mint({ jti: 'jti-1' });
    expect(decodeProtectedHeader(minted.accessToken)).toEqual({ alg: 'RS256', kid: keyStore.signingKey('RS256').kid, typ: 'at+jwt' });
    expect(decodeJwt(minted.accessToken)).toEqual({
      iss: ISSUER,
      sub: `${CLIENT_ID}@clients`,
      aud: AUDIENCE,
      iat: T0_SECONDS,
      exp: T0_SECONDS + 86_400,
      scope: 'read:clients delete:refresh_tokens',
      gty: 'client-credentials',
      azp: CLIENT_ID,
      client_id: CLIENT_ID,
      jti: 'jti-1',
    });
    expect(minted).toMatchObject({ expiresIn: 86_400, iat: T0_SECONDS, exp: T0_SECONDS + 86_400, scope: 'read:clients delete:refresh_tokens' });
  });

  it('gives each token its own jti', async () => {
    const [a, b] = await Promise.all([mint(), mint()]);
    expect(a.jti).not.toBe(b.jti);
  });
});

describe('verifyAccessToken', () => {
  it('accepts a valid token and returns the client and its scopes', async () => {
    const { accessToken } = await mint();
    const verified = await verifyAccessToken(accessToken, options({ requiredScopes: ['read:clients'] }));
    expect(verified.clientId).toBe(CLIENT_ID);
    expect(verified.scopes).toEqual(['read:clients', 'delete:refresh_tokens']);
    expect(verified.claims.gty).toBe('client-credentials');
  });

  it('carries the grants it was minted under ({ id, rev }) and reads them back', async () => {
    const { accessToken } = await mint({ grants: [{ grantId: 'cgr_a', revision: 0 }, { grantId: 'cgr_b', revision: 3 }] });
    expect(decodeJwt(accessToken).grants).toEqual([
      { id: 'cgr_a', rev: 0 },
      { id: 'cgr_b', rev: 3 },
    ]);
    const verified = await verifyAccessToken(accessToken, options());
    expect(verified.grants).toEqual([
      { grantId: 'cgr_a', revision: 0 },
      { grantId: 'cgr_b', revision: 3 },
    ]);
    expect((await verifyAccessToken((await mint()).accessToken, options())).grants).toBeUndefined();
  });

  it('refuses a malformed grants claim (TOKEN_CLAIM_INVALID) and lets no extra claim set it', async () => {
    const { accessToken } = await mint({ extraClaims: { sid: 'x' } });
    expect(accessToken).toBeTruthy();
    await expect(mint({ extraClaims: { grants: [] } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const key = keyStore.signingKey('RS256');
    const forged = await new SignJWT({ scope: 'read:clients', client_id: CLIENT_ID, grants: [{ id: 'cgr_a', rev: '0' }] })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setSubject(`${CLIENT_ID}@clients`)
      .setAudience(AUDIENCE)
      .setIssuedAt(T0_SECONDS)
      .setExpirationTime(T0_SECONDS + 60)
      .sign(key.privateKey);
    expect(await codeOf(verifyAccessToken(forged, options()))).toBe('TOKEN_CLAIM_INVALID');
  });

  it('answers TOKEN_MISSING for no token', async () => {
    expect(await codeOf(verifyAccessToken(undefined, options()))).toBe('TOKEN_MISSING');
    expect(await codeOf(verifyAccessToken('', options()))).toBe('TOKEN_MISSING');
  });

  it('refuses alg "none" (TOKEN_INVALID)', async () => {
    const { accessToken } = await mint();
    const payload = accessToken.split('.')[1];
    const unsecured = `${b64({ alg: 'none', typ: 'at+jwt', kid: keyStore.signingKey('RS256').kid })}.${payload}.`;
    expect(await codeOf(verifyAccessToken(unsecured, options()))).toBe('TOKEN_INVALID');
  });

  it('refuses HS256, also when the HMAC key is our own RSA public key (algorithm confusion, RFC 8725 §2.1)', async () => {
    const { accessToken } = await mint();
    const claims = decodeJwt(accessToken);
    const kid = keyStore.signingKey('RS256').kid;
    const publicJwk = keyStore.jwks().keys.find((k) => k.kid === kid)!;
    const pem = createPublicKey({ key: { ...publicJwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode('s'.repeat(64))]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(secret);
      expect(await codeOf(verifyAccessToken(forged, options()))).toBe('TOKEN_INVALID');
    }
  });

  it('refuses another issuer or audience (TOKEN_CLAIM_INVALID)', async () => {
    const { accessToken } = await mint();
    expect(await codeOf(verifyAccessToken(accessToken, options({ issuer: 'https://other.example.com/' })))).toBe('TOKEN_CLAIM_INVALID');
    expect(await codeOf(verifyAccessToken(accessToken, options({ audience: 'https://other.example.com/api/' })))).toBe('TOKEN_CLAIM_INVALID');
  });

  it('refuses an expired token (TOKEN_EXPIRED), tolerating small clock skew', async () => {
    const { accessToken } = await mint({ lifetimeInSeconds: 300 });
    clock.advance(300_000 + 5_000);
    await expect(verifyAccessToken(accessToken, options())).resolves.toBeDefined();
    clock.advance(60_000);
    expect(await codeOf(verifyAccessToken(accessToken, options()))).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token signed by a key we do not have, or with no kid (TOKEN_INVALID)', async () => {
    const { accessToken } = await mint();
    const claims = decodeJwt(accessToken);
    const { privateKey } = await generateKeyPair('RS256');
    const unknownKid = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'unknown' }).sign(privateKey);
    expect(await codeOf(verifyAccessToken(unknownKid, options()))).toBe('TOKEN_INVALID');
    const ourKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: keyStore.signingKey('RS256').kid })
      .sign(privateKey);
    expect(await codeOf(verifyAccessToken(ourKid, options()))).toBe('TOKEN_INVALID');
    const noKid = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' }).sign(keyStore.signingKey('RS256').privateKey);
    expect(await codeOf(verifyAccessToken(noKid, options()))).toBe('TOKEN_INVALID');
  });

  it('refuses a header alg that does not match the kid’s key (TOKEN_INVALID)', async () => {
    const { accessToken } = await mint();
    const es = keyStore.signingKey('ES256');
    const token = await new SignJWT(decodeJwt(accessToken))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keyStore.signingKey('RS256').kid })
      .sign(es.privateKey);
    expect(await codeOf(verifyAccessToken(token, options()))).toBe('TOKEN_INVALID');
  });

  it('refuses a tampered signature or payload (TOKEN_INVALID)', async () => {
    const { accessToken } = await mint({ scope: ['read:clients'] });
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await codeOf(verifyAccessToken(`${header}.${payload}.${flipped}`, options()))).toBe('TOKEN_INVALID');
    const widened = b64({ ...decodeJwt(accessToken), scope: 'read:clients delete:clients' });
    expect(await codeOf(verifyAccessToken(`${header}.${widened}.${signature}`, options()))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifyAccessToken('garbage', options()))).toBe('TOKEN_INVALID');
  });

  it('refuses a token without a required scope (INSUFFICIENT_SCOPE) and names what is missing', async () => {
    const { accessToken } = await mint({ scope: ['read:clients'] });
    const error = await verifyAccessToken(accessToken, options({ requiredScopes: ['read:clients', 'delete:clients'] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INSUFFICIENT_SCOPE', missingScopes: ['delete:clients'] });
  });

  it('refuses an id_token whose aud was set to the management API through /delegation target (typ JWT)', async () => {
    const { idToken } = await mintIdToken({
      keyStore,
      issuer: ISSUER,
      subject: 'user-1',
      audience: AUDIENCE,
      azp: CLIENT_ID,
      sid: 'dcr_x',
      lifetimeInSeconds: 600,
      alg: 'RS256',
      clock,
    });
    expect(await codeOf(verifyAccessToken(idToken, options()))).toBe('TOKEN_INVALID');
  });

  describe('across a key rotation', () => {
    it('still accepts tokens signed before it, and signs new ones with the new kid', async () => {
      const before = await mint();
      const oldKid = decodeProtectedHeader(before.accessToken).kid;
      clock.advance(1_000);
      const rotated = await keyStore.rotate('RS256');
      const after = await mint();
      expect(decodeProtectedHeader(after.accessToken).kid).toBe(rotated.kid);
      expect(rotated.kid).not.toBe(oldKid);
      await expect(verifyAccessToken(before.accessToken, options())).resolves.toMatchObject({ clientId: CLIENT_ID });
      await expect(verifyAccessToken(after.accessToken, options())).resolves.toMatchObject({ clientId: CLIENT_ID });
      // Once the old key is retired, its tokens stop verifying.
      await keyStore.retire(oldKid as string, { tokenLifetimeSeconds: 86_400, force: true });
      expect(await codeOf(verifyAccessToken(before.accessToken, options()))).toBe('TOKEN_INVALID');
    });
  });
});

describe('bearerToken', () => {
  it('extracts the token of a Bearer authorization header (RFC 6750 §2.1)', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
