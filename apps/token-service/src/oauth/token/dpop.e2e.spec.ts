/**
 * DPoP (RFC 9449) at the token endpoint, through HTTP against a started
 * service, with real keys made by jose: binding at issuance, the proof of the
 * bound key, nonces, jti replay, and refusals that never spend or revoke.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { DpopNonces } from '@app/dpop';
import { proofKey, type ProofKey, signProof } from '@app/dpop/testing/proofs';
import { SecretSealer } from '@app/signing';
import { DPOP_NONCE_KEY_INFO } from '../grants/dpop-providers';
import { createClient, delegate, history, issueRefreshToken, type CreatedClient, type IssuedRefreshToken, type OAuthErrorBody } from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface TokenBody {
  access_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}
type TokenResponse = HttpResponse<TokenBody & OAuthErrorBody>;
type Bound = IssuedRefreshToken & { dpop_jkt: string | null };

const DATA_KEY = randomBytes(32).toString('base64');
const now = (): number => Math.floor(Date.now() / 1000);

describe.each(ADAPTERS)('DPoP at POST /oauth/token (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let app: CreatedClient;
  let key: ProofKey;
  let jkt: string;
  let htu: string;
  let nonces: DpopNonces;
  beforeAll(async () => {
    svc = await startTokenService({ adapter, env: { DATA_KEY, DELEGATION_RATE_LIMIT: '100000' } });
    app = await createClient(svc, { app_type: 'native' });
    key = await proofKey('ES256');
    jkt = await calculateJwkThumbprint(key.publicJwk, 'sha256');
    htu = `${svc.issuer}oauth/token`;
    // The service's nonces, from the same data key: to make a stale one on purpose.
    nonces = new DpopNonces({ key: new SecretSealer(Buffer.from(DATA_KEY, 'base64')).deriveKey(DPOP_NONCE_KEY_INFO) });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const issueBound = async (dpopJkt = jkt): Promise<Bound> => (await issueRefreshToken(svc, { client_id: app.client_id, dpop_jkt: dpopJkt } as never)) as Bound;
  const token = (refreshToken: string, dpop?: string): Promise<TokenResponse> =>
    svc.http.post('/oauth/token', {
      form: { grant_type: 'refresh_token', client_id: app.client_id, refresh_token: refreshToken },
      headers: dpop === undefined ? {} : { DPoP: dpop },
    });
  /** The nonce the service hands out now: what a client learns from its first refusal. */
  const currentNonce = async (): Promise<string> => {
    const r = await token('rt_no-such-token', await signProof(key, { htu, iat: now() }));
    return r.headers.get('dpop-nonce')!;
  };
  const proof = async (over: Partial<Parameters<typeof signProof>[1]> = {}, as: ProofKey = key): Promise<string> =>
    signProof(as, { htu, iat: now(), nonce: await currentNonce(), ...over });
  const expectOAuthError = (r: TokenResponse, error: string): void => {
    expect({ status: r.status, error: r.body.error }).toEqual({ status: 400, error });
    expect(r.body.error_description).toEqual(expect.any(String));
  };
  /** The token is neither spent nor revoked: still valid, with its issuance as its only event. */
  const expectUntouched = async (issued: Bound): Promise<void> => {
    const events = (await history(svc, issued.id)).events.map((e) => e.type);
    expect(events).toEqual(['RefreshTokenIssued']);
    const ok = await token(issued.refresh_token, await proof());
    expect(ok.status).toBe(200);
  };

  describe('binding at issuance (POST /api/v2/refresh-tokens dpop_jkt)', () => {
    it('records the thumbprint: in the 201, on GET, in the history; null when unbound', async () => {
      const bound = await issueBound();
      expect(bound.dpop_jkt).toBe(jkt);
      const view = await svc.http.get<{ dpop_jkt: string | null }>(`/api/v2/refresh-tokens/${bound.id}`, { token: await svc.managementToken() });
      expect(view.body.dpop_jkt).toBe(jkt);
      expect((await history(svc, bound.id)).events[0]!.data.dpop_jkt).toBe(jkt);
      const unbound = (await issueRefreshToken(svc, { client_id: app.client_id })) as Bound;
      expect(unbound.dpop_jkt).toBeNull();
      const unboundView = await svc.http.get<{ dpop_jkt: string | null }>(`/api/v2/refresh-tokens/${unbound.id}`, { token: await svc.managementToken() });
      expect(unboundView.body.dpop_jkt).toBeNull();
    });

    it.each([['too short', 'abc'], ['padded', `${'A'.repeat(42)}=`], ['not a string', 42]])('refuses a thumbprint that is %s with 400 in the management shape', async (_, dpopJkt) => {
      const r = await svc.http.post<{ statusCode: number; errorCode: string }>('/api/v2/refresh-tokens', {
        token: await svc.managementToken(),
        json: { client_id: app.client_id, user_id: uniqueId('user'), device_name: 'Pixel', scope: 'openid offline_access', dpop_jkt: dpopJkt },
      });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    });

    it('gives a client with require_proof_of_possession no unbound token (400), and a bound one', async () => {
      const strict = await createClient(svc, { app_type: 'native', require_proof_of_possession: true });
      const admin = await svc.managementToken();
      const unbound = await svc.http.post<{ statusCode: number; errorCode: string; message: string }>('/api/v2/refresh-tokens', {
        token: admin,
        json: { client_id: strict.client_id, user_id: uniqueId('user'), device_name: 'Pixel', scope: 'openid offline_access' },
      });
      expect(unbound.status).toBe(400);
      expect(unbound.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
      expect(unbound.body.message).toMatch(/dpop_jkt|proof of possession/i);
      const bound = await svc.http.post<{ dpop_jkt: string }>('/api/v2/refresh-tokens', {
        token: admin,
        json: { client_id: strict.client_id, user_id: uniqueId('user'), device_name: 'Pixel', scope: 'openid offline_access', dpop_jkt: jkt },
      });
      expect(bound.status).toBe(201);
      expect(bound.body.dpop_jkt).toBe(jkt);
    });
  });

  describe('a bound token', () => {
    it('is exchanged with a proof of its key and a nonce: token_type DPoP, access token with cnf.jkt, a DPoP-Nonce for the next call', async () => {
      const issued = await issueBound();
      const r = await token(issued.refresh_token, await proof());
      expect(r.status).toBe(200);
      expect(r.body.token_type).toBe('DPoP');
      const jwks = createLocalJWKSet((await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body);
      const { payload } = await jwtVerify(r.body.access_token, jwks, { issuer: svc.issuer, typ: 'at+jwt' });
      expect(payload.cnf).toEqual({ jkt });
      expect(payload.sid).toBe(issued.id);
      expect(r.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]+$/);
    });

    it('asks for a nonce first (400 use_dpop_nonce with DPoP-Nonce, RFC 9449 §8), then accepts the retry with it', async () => {
      const issued = await issueBound();
      const first = await token(issued.refresh_token, await signProof(key, { htu, iat: now() }));
      expectOAuthError(first, 'use_dpop_nonce');
      const nonce = first.headers.get('dpop-nonce');
      expect(nonce).toMatch(/^[A-Za-z0-9_-]+$/);
      const retry = await token(issued.refresh_token, await signProof(key, { htu, iat: now(), nonce: nonce! }));
      expect(retry.status).toBe(200);
      expect(retry.body.token_type).toBe('DPoP');
    });

    it('answers a stale or made-up nonce with use_dpop_nonce and a fresh one', async () => {
      const issued = await issueBound();
      const stale = nonces.current(new Date(Date.now() - 10 * 60_000));
      const r = await token(issued.refresh_token, await signProof(key, { htu, iat: now(), nonce: stale }));
      expectOAuthError(r, 'use_dpop_nonce');
      expect(r.headers.get('dpop-nonce')).not.toBe(stale);
      expectOAuthError(await token(issued.refresh_token, await signProof(key, { htu, iat: now(), nonce: 'made-up' })), 'use_dpop_nonce');
      await expectUntouched(issued);
    });

    it('refuses the exchange without a proof (400 invalid_grant), and the token stays valid', async () => {
      const issued = await issueBound();
      expectOAuthError(await token(issued.refresh_token), 'invalid_grant');
      await expectUntouched(issued);
    });

    it("refuses another key's proof (a stolen token, the thief's own key) with invalid_grant, and the token stays valid", async () => {
      const issued = await issueBound();
      const thief = await proofKey('ES256');
      expectOAuthError(await token(issued.refresh_token, await proof({}, thief)), 'invalid_grant');
      await expectUntouched(issued);
    });

    it('refuses a replayed proof (same jti) with invalid_dpop_proof', async () => {
      const issued = await issueBound();
      const once = await proof({ jti: randomUUID() });
      expect((await token(issued.refresh_token, once)).status).toBe(200);
      expectOAuthError(await token(issued.refresh_token, once), 'invalid_dpop_proof');
      await expectUntouched(issued);
    });

    const attacks: Array<[string, () => Promise<string>]> = [
      ['another endpoint (htu)', () => proof({ htu: 'http://127.0.0.1:1/oauth/token' })],
      ['another method (htm)', () => proof({ htm: 'GET' })],
      ['an old iat', () => proof({ iat: now() - 3600 })],
      ['a private key in its header', () => proof({ header: { jwk: key.privateJwk } })],
      [
        'alg HS256',
        async () => unsignedWith({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk }, { htm: 'POST', htu, iat: now(), jti: randomUUID(), nonce: await currentNonce() }),
      ],
      ['alg none', async () => `${unsignedWith({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk }, { htm: 'POST', htu, iat: now(), jti: randomUUID(), nonce: await currentNonce() }).split('.').slice(0, 2).join('.')}.`],
    ];
    it.each(attacks)('refuses a proof with %s with invalid_dpop_proof, and the token stays valid', async (_, attack) => {
      const issued = await issueBound();
      expectOAuthError(await token(issued.refresh_token, await attack()), 'invalid_dpop_proof');
      await expectUntouched(issued);
    });

    it('refuses a malformed DPoP header with invalid_dpop_proof', async () => {
      const issued = await issueBound();
      expectOAuthError(await token(issued.refresh_token, 'not-a-jwt'), 'invalid_dpop_proof');
      expectOAuthError(await token(issued.refresh_token, `${await proof()}, ${await proof()}`), 'invalid_dpop_proof');
      await expectUntouched(issued);
    });

    it('is refused at /delegation with invalid_grant and a clear description', async () => {
      const issued = await issueBound();
      const r = await delegate(svc, app.client_id, issued.refresh_token);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('/oauth/token') });
      await expectUntouched(issued);
    });
  });

  describe('an unbound token', () => {
    it('with a valid proof gets a bound access token (RFC 9449 §5), the refresh token staying as it was', async () => {
      const issued = (await issueRefreshToken(svc, { client_id: app.client_id })) as Bound;
      const r = await token(issued.refresh_token, await proof());
      expect(r.status).toBe(200);
      expect(r.body.token_type).toBe('DPoP');
      expect(decodeJwt(r.body.access_token).cnf).toEqual({ jkt });
      const bearer = await token(issued.refresh_token);
      expect(bearer.body.token_type).toBe('Bearer');
      expect(decodeJwt(bearer.body.access_token).cnf).toBeUndefined();
      expect(bearer.headers.get('dpop-nonce')).toBeNull();
    });

    it('with an invalid proof is refused with invalid_dpop_proof', async () => {
      const issued = (await issueRefreshToken(svc, { client_id: app.client_id })) as Bound;
      expectOAuthError(await token(issued.refresh_token, await proof({ htm: 'PUT' })), 'invalid_dpop_proof');
    });
  });

  it('discovery lists dpop_signing_alg_values_supported (RFC 9449 §5.1)', async () => {
    const r = await svc.http.get<Record<string, unknown>>('/.well-known/openid-configuration');
    expect(r.body.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256']);
  });
});

/** A JWS whose signature is garbage, for algorithms the service must refuse before any key is used. */
function unsignedWith(header: object, payload: object): string {
  const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64(header)}.${b64(payload)}.${randomBytes(32).toString('base64url')}`;
}
