import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { createClient, delegate, issueRefreshToken } from '../../../../../test/support/fixtures';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

// Private members of RSA, EC and OKP JWKs (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe.each(ADAPTERS)('discovery and JWKS (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('GET /docs/openapi.json', () => {
    it('publishes the OpenAPI document with the OAuth and management paths', async () => {
      const r = await svc.http.get<{ openapi: string; paths: Record<string, unknown> }>('/docs/openapi.json');
      expect(r.status).toBe(200);
      expect(r.body.openapi).toMatch(/^3\./);
      expect(Object.keys(r.body.paths)).toEqual(
        expect.arrayContaining(['/delegation', '/oauth/token', '/oauth/revoke', '/api/v2/clients', '/api/v2/device-credentials']),
      );
    });
  });

  describe('GET /.well-known/openid-configuration', () => {
    it('publishes the issuer, endpoints under it, grant types, algs and auth methods', async () => {
      const r = await svc.http.get<Record<string, unknown>>('/.well-known/openid-configuration');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.body).toMatchObject({
        issuer: svc.issuer,
        jwks_uri: `${svc.issuer}.well-known/jwks.json`,
        token_endpoint: `${svc.issuer}oauth/token`,
        revocation_endpoint: `${svc.issuer}oauth/revoke`,
      });
      expect(r.body.grant_types_supported).toEqual(
        expect.arrayContaining(['refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer']),
      );
      expect(r.body.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256', 'EdDSA', 'HS256']));
      expect(r.body.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
      );
    });

    it('has a jwks_uri that answers', async () => {
      const config = await svc.http.get<{ jwks_uri: string }>('/.well-known/openid-configuration');
      const r = await fetch(config.body.jwks_uri);
      expect(r.status).toBe(200);
      const jwks = (await r.json()) as JSONWebKeySet;
      expect(jwks.keys.length).toBeGreaterThan(0);
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    it('lists public keys only, each with kid, alg and use sig', async () => {
      const r = await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json');
      expect(r.status).toBe(200);
      const kids = new Set<string>();
      for (const key of r.body.keys) {
        expect(typeof key.kid).toBe('string');
        expect(['RS256', 'ES256', 'EdDSA']).toContain(key.alg);
        expect(key.use).toBe('sig');
        for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
        kids.add(key.kid!);
      }
      expect(kids.size).toBe(r.body.keys.length);
      expect(new Set(r.body.keys.map((k) => k.alg))).toEqual(new Set(['RS256', 'ES256', 'EdDSA']));
    });
  });

  describe('id_tokens', () => {
    it('verify against the published JWKS and carry iss, sub, aud, iat, exp = iat + lifetime, azp and sid', async () => {
      const client = await createClient(svc, { app_type: 'native', jwt_configuration: { lifetime_in_seconds: 600 } });
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      const r = await delegate(svc, client.client_id, issued.refresh_token);
      expect(r.status).toBe(200);
      const jwks = createRemoteJWKSet(new URL(`${svc.issuer}.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(r.body.id_token, jwks, { issuer: svc.issuer, audience: client.client_id });
      expect(protectedHeader.alg).toBe('RS256');
      expect(payload).toMatchObject({ iss: svc.issuer, sub: issued.user_id, aud: client.client_id, azp: client.client_id, sid: issued.id });
      expect(typeof payload.iat).toBe('number');
      expect(payload.exp).toBe(payload.iat! + 600);
      expect(r.body.expires_in).toBe(600);
    });

    it('default to a lifetime of 36000 seconds (Auth0)', async () => {
      const client = await createClient(svc, { app_type: 'native' });
      const issued = await issueRefreshToken(svc, { client_id: client.client_id });
      const r = await delegate(svc, client.client_id, issued.refresh_token);
      const jwks = (await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body;
      const { payload } = await jwtVerify(r.body.id_token, createLocalJWKSet(jwks), { issuer: svc.issuer });
      expect(payload.exp! - payload.iat!).toBe(36000);
      expect(r.body.expires_in).toBe(36000);
      expect(jwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(r.body.id_token).kid);
    });
  });
});
