/**
 * Compatibility: a standard OpenID/OAuth client library, pointed at our
 * service unchanged (issue: "the Auth0 Node SDKs and openid-client could be
 * pointed at it unchanged").
 *
 * Every client-side call goes through openid-client v5's own API (discovery,
 * refresh, revoke, grant, requestResource): no hand-made HTTP. openid-client
 * validates each id_token it receives on refresh itself (OpenID Connect Core
 * §3.1.3.7 / §12.2: signature via our jwks_uri or the client secret, alg,
 * iss, aud, azp, exp, iat), so a test that gets a TokenSet back has passed
 * that validation; a control test shows the validation is live.
 *
 * Set-up (clients, refresh tokens) uses the management API fixtures, as an
 * administrator would. Runs on the embedded SQLite adapter: the wire
 * contract under test does not depend on the event store.
 */
import { custom, errors, Issuer, type BaseClient, type ClientMetadata, type TokenSet } from 'openid-client';
import { createClient, issueRefreshToken, type CreatedClient } from '../support/fixtures';
import { startTokenService, type TokenServiceUnderTest } from '../support/token-service';

jest.setTimeout(60_000);

// openid-client's default HTTP timeout (3.5 s) is tight on a loaded 2-core CI box.
custom.setHttpOptionsDefaults({ timeout: 20_000 });

/** Awaits a rejection and returns it as an OPError (fails the test if it is anything else). */
async function opError(promise: Promise<unknown>): Promise<errors.OPError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(errors.OPError);
  return error as errors.OPError;
}

/** The JOSE header of a compact JWS (to show which alg the service signed with). */
function joseHeader(jwt: string): { alg: string; kid?: string } {
  return JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8')) as { alg: string; kid?: string };
}

describe('openid-client v5 against token-service (sqlite)', () => {
  let svc: TokenServiceUnderTest;
  let issuer: Issuer<BaseClient>;

  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite' });
    issuer = await Issuer.discover(svc.issuer);
  });
  afterAll(async () => {
    await svc?.close();
  });

  /** An openid-client Client for one of our clients (secret from the management API, when it has one). */
  function rpFor(created: CreatedClient, metadata: Partial<ClientMetadata> = {}): BaseClient {
    return new issuer.Client({
      client_id: created.client_id,
      ...(created.client_secret !== undefined ? { client_secret: created.client_secret } : {}),
      token_endpoint_auth_method: created.token_endpoint_auth_method as ClientMetadata['token_endpoint_auth_method'],
      ...metadata,
    });
  }

  /** Claims every refreshed id_token must carry (product.md "id_token claims"). */
  function expectIdTokenFor(tokenSet: TokenSet, clientId: string, credential: { id: string; user_id: string }): void {
    expect(tokenSet.id_token).toEqual(expect.any(String));
    const claims = tokenSet.claims();
    expect(claims).toMatchObject({ iss: svc.issuer, sub: credential.user_id, aud: clientId, azp: clientId, sid: credential.id });
    expect(claims.exp).toBeGreaterThan(claims.iat);
    expect(tokenSet.expired()).toBe(false);
  }

  describe('discovery (Issuer.discover)', () => {
    it('reads our openid-configuration and its endpoints match the contract', () => {
      expect(issuer.metadata).toMatchObject({
        issuer: svc.issuer,
        token_endpoint: new URL('oauth/token', svc.issuer).href,
        jwks_uri: new URL('.well-known/jwks.json', svc.issuer).href,
        revocation_endpoint: new URL('oauth/revoke', svc.issuer).href,
      });
    });

    it('advertises what these clients rely on: algs, auth methods, grant types', () => {
      expect(issuer.metadata.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256', 'EdDSA', 'HS256']));
      expect(issuer.metadata.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']),
      );
      expect(issuer.metadata.grant_types_supported).toEqual(expect.arrayContaining(['refresh_token', 'client_credentials']));
    });
  });

  describe('public client (native, token_endpoint_auth_method none)', () => {
    let app: CreatedClient;
    beforeAll(async () => {
      app = await createClient(svc, { app_type: 'native' });
      expect(app.token_endpoint_auth_method).toBe('none');
    });

    it('refresh returns a TokenSet with an id_token openid-client validated (RS256 via our JWKS)', async () => {
      const rt = await issueRefreshToken(svc, { client_id: app.client_id });
      const client = rpFor(app, { token_endpoint_auth_method: 'none' });

      const tokenSet = await client.refresh(rt.refresh_token);

      expect(tokenSet.token_type).toMatch(/^bearer$/i);
      expect(joseHeader(tokenSet.id_token!).alg).toBe('RS256');
      expectIdTokenFor(tokenSet, app.client_id, rt);
    });

    it('control: the validation is live (a client expecting ES256 rejects our RS256 id_token)', async () => {
      const rt = await issueRefreshToken(svc, { client_id: app.client_id });
      const client = rpFor(app, { token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'ES256' });

      const error: unknown = await client.refresh(rt.refresh_token).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(errors.RPError);
      expect((error as errors.RPError).message).toMatch(/unexpected JWT alg received, expected ES256, got: RS256/);
    });

    it('revoke (RFC 7009) succeeds, and a following refresh is invalid_grant', async () => {
      const rt = await issueRefreshToken(svc, { client_id: app.client_id });
      const client = rpFor(app, { token_endpoint_auth_method: 'none' });
      await client.refresh(rt.refresh_token);

      await expect(client.revoke(rt.refresh_token, 'refresh_token')).resolves.toBeUndefined();

      const error = await opError(client.refresh(rt.refresh_token));
      expect(error.error).toBe('invalid_grant');
    });

    it('narrows the scope on refresh (exchangeBody scope)', async () => {
      const rt = await issueRefreshToken(svc, { client_id: app.client_id, scope: 'openid profile offline_access' });
      const client = rpFor(app, { token_endpoint_auth_method: 'none' });

      const tokenSet = await client.refresh(rt.refresh_token, { exchangeBody: { scope: 'openid' } });

      expect(tokenSet.scope).toBe('openid');
      expectIdTokenFor(tokenSet, app.client_id, rt);
    });
  });

  describe.each(['client_secret_basic', 'client_secret_post'] as const)('confidential client, %s', (method) => {
    let app: CreatedClient;
    beforeAll(async () => {
      app = await createClient(svc, { app_type: 'regular_web', token_endpoint_auth_method: method });
      expect(app.client_secret).toEqual(expect.any(String));
      expect(app.token_endpoint_auth_method).toBe(method);
    });

    it('refresh works and the id_token validates', async () => {
      const rt = await issueRefreshToken(svc, { client_id: app.client_id });
      const client = rpFor(app, { token_endpoint_auth_method: method });

      const tokenSet = await client.refresh(rt.refresh_token);

      expectIdTokenFor(tokenSet, app.client_id, rt);
    });

    it('a wrong client_secret is invalid_client', async () => {
      const rt = await issueRefreshToken(svc, { client_id: app.client_id });
      const client = rpFor(app, { token_endpoint_auth_method: method, client_secret: `${app.client_secret!}-wrong` });

      const error = await opError(client.refresh(rt.refresh_token));
      expect(error.error).toBe('invalid_client');
    });
  });

  describe.each(['ES256', 'EdDSA'] as const)('id_token_signed_response_alg %s (asymmetric, via our JWKS)', (alg) => {
    it('refresh validates', async () => {
      const app = await createClient(svc, { app_type: 'native', jwt_configuration: { alg } });
      expect(app.jwt_configuration.alg).toBe(alg);
      const rt = await issueRefreshToken(svc, { client_id: app.client_id });
      const client = rpFor(app, { token_endpoint_auth_method: 'none', id_token_signed_response_alg: alg });

      const tokenSet = await client.refresh(rt.refresh_token);

      const header = joseHeader(tokenSet.id_token!);
      expect(header.alg).toBe(alg);
      expect(header.kid).toEqual(expect.any(String));
      expectIdTokenFor(tokenSet, app.client_id, rt);
    });
  });

  describe('id_token_signed_response_alg HS256 (client secret)', () => {
    it('openid-client validates the id_token with the client_secret', async () => {
      const app = await createClient(svc, { app_type: 'regular_web', jwt_configuration: { alg: 'HS256' } });
      expect(app.client_secret).toEqual(expect.any(String));
      const rt = await issueRefreshToken(svc, { client_id: app.client_id });
      const client = rpFor(app, { id_token_signed_response_alg: 'HS256' });

      const tokenSet = await client.refresh(rt.refresh_token);

      expect(joseHeader(tokenSet.id_token!).alg).toBe('HS256');
      expectIdTokenFor(tokenSet, app.client_id, rt);
    });
  });

  describe('client_credentials (management API token)', () => {
    it('grant returns an access_token the management API accepts', async () => {
      const client = new issuer.Client({
        client_id: svc.managementClientId,
        client_secret: svc.managementClientSecret,
        token_endpoint_auth_method: 'client_secret_post',
      });

      const tokenSet = await client.grant({ grant_type: 'client_credentials', audience: svc.managementAudience });

      expect(tokenSet.access_token).toEqual(expect.any(String));
      expect(tokenSet.token_type).toMatch(/^bearer$/i);
      const response = await client.requestResource(new URL('api/v2/clients', svc.issuer), tokenSet);
      expect(response.statusCode).toBe(200);
      const clients = JSON.parse(response.body!.toString('utf8')) as { client_id: string }[];
      expect(Array.isArray(clients)).toBe(true);
      expect(clients.map((c) => c.client_id)).toContain(svc.managementClientId);
    });
  });
});
