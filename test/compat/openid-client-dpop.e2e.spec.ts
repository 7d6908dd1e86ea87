/**
 * Compatibility: DPoP (RFC 9449) with a real client library, openid-client
 * v6 (`openid-client-6`), pointed at our service unchanged: discovery, then
 * `refreshTokenGrant` with a DPoP handle (`getDPoPHandle`). Every client-side
 * call goes through openid-client's own API; a custom fetch only records what
 * went over the wire, to show its automatic retry on `use_dpop_nonce`.
 *
 * Set-up (clients, bound refresh tokens) uses the management API fixtures.
 * Runs on the embedded SQLite adapter: the wire contract does not depend on
 * the event store.
 */
import { calculateJwkThumbprint, decodeJwt, exportJWK } from 'jose';
import * as client from 'openid-client-6';
import { createClient, issueRefreshToken, type CreatedClient } from '../support/fixtures';
import { startTokenService, type TokenServiceUnderTest } from '../support/token-service';

jest.setTimeout(60_000);

interface Exchange {
  dpop: boolean;
  status: number;
  error?: string;
  nonce: string | null;
}

describe('openid-client v6 with DPoP against token-service (sqlite)', () => {
  let svc: TokenServiceUnderTest;
  let app: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite' });
    app = await createClient(svc, { app_type: 'native' });
  });
  afterAll(async () => {
    await svc?.close();
  });

  /** Discovery as an app does it, with a fetch that records each token-endpoint exchange. */
  async function discover(): Promise<{ config: client.Configuration; exchanges: Exchange[] }> {
    const config = await client.discovery(new URL(svc.issuer), app.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const exchanges: Exchange[] = [];
    config[client.customFetch] = async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      if (new URL(url).pathname === '/oauth/token') {
        const body = (await response.clone().json()) as { error?: string };
        const headers = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]);
        exchanges.push({ dpop: headers.has('dpop'), status: response.status, error: body.error, nonce: response.headers.get('dpop-nonce') });
      }
      return response;
    };
    return { config, exchanges };
  }

  async function boundTokenFor(keyPair: client.CryptoKeyPair): Promise<{ refreshToken: string; jkt: string }> {
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
    const issued = await issueRefreshToken(svc, { client_id: app.client_id, dpop_jkt: jkt } as never);
    return { refreshToken: issued.refresh_token, jkt };
  }

  it('discovers the token endpoint and the DPoP algorithms', async () => {
    const { config } = await discover();
    const metadata = config.serverMetadata();
    expect(metadata.token_endpoint).toBe(`${svc.issuer}oauth/token`);
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'EdDSA']));
  });

  it.each(['ES256', 'EdDSA', 'PS256'])('refreshes a bound token with a %s key: retries once on use_dpop_nonce, then reuses the nonce it was given', async (alg) => {
    const { config, exchanges } = await discover();
    const keyPair = await client.randomDPoPKeyPair(alg);
    const DPoP = client.getDPoPHandle(config, keyPair);
    const { refreshToken, jkt } = await boundTokenFor(keyPair);

    const first = await client.refreshTokenGrant(config, refreshToken, undefined, { DPoP });
    expect(first.token_type.toLowerCase()).toBe('dpop');
    expect(decodeJwt(first.access_token).cnf).toEqual({ jkt });
    expect(first.claims()?.sid).toEqual(expect.any(String));
    // The first proof had no nonce: the service asked for one, openid-client retried with it by itself.
    expect(exchanges).toEqual([
      { dpop: true, status: 400, error: 'use_dpop_nonce', nonce: expect.any(String) },
      { dpop: true, status: 200, error: undefined, nonce: expect.any(String) },
    ]);

    await client.refreshTokenGrant(config, refreshToken, undefined, { DPoP });
    expect(exchanges).toHaveLength(3);
    expect(exchanges[2]).toMatchObject({ status: 200 });
  });

  it("is refused (invalid_grant) with another key's handle, and without DPoP at all; the token still works with its own", async () => {
    const { config } = await discover();
    const own = await client.randomDPoPKeyPair('ES256');
    const { refreshToken } = await boundTokenFor(own);

    const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const stolen = await client.refreshTokenGrant(config, refreshToken, undefined, { DPoP: thief }).catch((e: unknown) => e);
    expect(stolen).toBeInstanceOf(client.ResponseBodyError);
    expect(stolen).toMatchObject({ error: 'invalid_grant', status: 400 });

    const bearer = await client.refreshTokenGrant(config, refreshToken).catch((e: unknown) => e);
    expect(bearer).toMatchObject({ error: 'invalid_grant', status: 400 });

    const ok = await client.refreshTokenGrant(config, refreshToken, undefined, { DPoP: client.getDPoPHandle(config, own) });
    expect(ok.token_type.toLowerCase()).toBe('dpop');
  });
});
