/**
 * Issue 8 item 1: the operator of an HS256 client knows its secret by design,
 * and credential ids are not secret (`sid` in every id_token and Kafka
 * message). These tests play that operator forging id_tokens at /delegation
 * to get a token for someone else's credential; every forgery must fail.
 */
import { SignJWT } from 'jose';
import {
  createClient,
  delegate,
  issueRefreshToken,
  JWT_BEARER,
  type CreatedClient,
  type DelegationBody,
  type IssuedRefreshToken,
  type OAuthErrorBody,
} from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { ADAPTERS, startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

type Claims = { sub: string; aud: string | string[]; azp: string; sid: string };

describe.each(ADAPTERS)('POST /delegation with forged id_tokens (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  /** The attacker's own HS256 client: its operator holds the secret. */
  let attacker: CreatedClient;
  let attackerToken: IssuedRefreshToken;
  /** Someone else's client and one of its users' credentials. */
  let victim: CreatedClient;
  let victimToken: IssuedRefreshToken;
  /** A third, honest client the victim accepts as a delegation caller. */
  let native: CreatedClient;

  beforeAll(async () => {
    svc = await startTokenService({ adapter, env: { DELEGATION_RATE_LIMIT: '100000' } });
    attacker = await createClient(svc, { app_type: 'regular_web', jwt_configuration: { alg: 'HS256' } });
    attackerToken = await issueRefreshToken(svc, { client_id: attacker.client_id });
    native = await createClient(svc, { app_type: 'native' });
    // The victim accepts both as callers, so the target rule is not what refuses the forgeries below.
    victim = await createClient(svc, { app_type: 'native', allowed_clients: [attacker.client_id, native.client_id] });
    victimToken = await issueRefreshToken(svc, { client_id: victim.client_id });
  });
  afterAll(async () => {
    await svc?.close();
  });

  /** An id_token as we would mint it, but signed by the attacker with its own client secret. */
  function forge(claims: Claims): Promise<string> {
    return new SignJWT({ azp: claims.azp, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(svc.issuer)
      .setSubject(claims.sub)
      .setAudience(claims.aud)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(attacker.client_secret!));
  }

  function present(clientId: string, idToken: string, extra: Record<string, string> = {}): Promise<HttpResponse<DelegationBody & OAuthErrorBody>> {
    // The attacker's client is confidential: its operator authenticates it with the secret it holds.
    const secret = clientId === attacker.client_id ? { client_secret: attacker.client_secret! } : {};
    return svc.http.post('/delegation', { json: { client_id: clientId, grant_type: JWT_BEARER, id_token: idToken, ...secret, ...extra } });
  }

  function expectInvalidGrant(r: HttpResponse<DelegationBody & OAuthErrorBody>): void {
    expect({ status: r.status, error: r.body.error, id_token: r.body.id_token }).toEqual({ status: 400, error: 'invalid_grant', id_token: undefined });
  }

  it('accepts the attacker client its own HS256 id_token (the forgery tests below are not refused for a broken set-up)', async () => {
    const own = await forge({ sub: attackerToken.user_id, aud: attacker.client_id, azp: attacker.client_id, sid: attackerToken.id });
    expect((await present(attacker.client_id, own)).status).toBe(200);
  });

  it("refuses {azp: attacker, aud: [victim], sid: victim's credential} signed with the attacker's secret, presented as the victim", async () => {
    const forged = await forge({ sub: victimToken.user_id, aud: [victim.client_id], azp: attacker.client_id, sid: victimToken.id });
    expectInvalidGrant(await present(victim.client_id, forged));
  });

  it('refuses a forgery whose aud contains the victim beside the attacker (azp still the attacker)', async () => {
    const forged = await forge({ sub: victimToken.user_id, aud: [attacker.client_id, victim.client_id], azp: attacker.client_id, sid: victimToken.id });
    expectInvalidGrant(await present(victim.client_id, forged));
  });

  it('refuses a forgery claiming azp = victim but signed with the attacker secret', async () => {
    const forged = await forge({ sub: victimToken.user_id, aud: victim.client_id, azp: victim.client_id, sid: victimToken.id });
    expectInvalidGrant(await present(victim.client_id, forged));
  });

  it("refuses a token of the attacker's client whose sid is another client's credential", async () => {
    const forged = await forge({ sub: victimToken.user_id, aud: attacker.client_id, azp: attacker.client_id, sid: victimToken.id });
    expectInvalidGrant(await present(attacker.client_id, forged));
  });

  it("refuses a token whose sub is not the user of its sid's credential", async () => {
    const forged = await forge({ sub: uniqueId('someone-else'), aud: attacker.client_id, azp: attacker.client_id, sid: attackerToken.id });
    expectInvalidGrant(await present(attacker.client_id, forged));
    const victimUser = await forge({ sub: victimToken.user_id, aud: attacker.client_id, azp: attacker.client_id, sid: attackerToken.id });
    expectInvalidGrant(await present(attacker.client_id, victimUser));
  });

  it("refuses the attack through the attacker's own client with target = the victim's client", async () => {
    for (const aud of [attacker.client_id, victim.client_id, [attacker.client_id, victim.client_id]]) {
      const forged = await forge({ sub: victimToken.user_id, aud, azp: attacker.client_id, sid: victimToken.id });
      expectInvalidGrant(await present(attacker.client_id, forged, { target: victim.client_id }));
    }
  });

  it("refuses our own RS256 id_token minted for another client with target = the caller (azp is not the caller)", async () => {
    const nativeToken = await issueRefreshToken(svc, { client_id: native.client_id });
    const minted = await delegate(svc, native.client_id, nativeToken.refresh_token, { target: victim.client_id });
    expect(minted.status).toBe(200);
    expectInvalidGrant(await present(victim.client_id, minted.body.id_token));
    // The calling client itself may still present it back: azp is the caller, the credential its own.
    expect((await present(native.client_id, minted.body.id_token)).status).toBe(200);
  });
});
