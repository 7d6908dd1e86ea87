/**
 * Compatibility: rotating refresh tokens with a real client library,
 * openid-client v6 (`openid-client-6`), pointed at our service unchanged.
 * openid-client hands back each successor (`refresh_token` of the answer),
 * which the app presents next; a spent token presented again outside the
 * window revokes the family, inside it answers the same successor (a retried
 * request whose answer was lost). Also rotating and DPoP-bound at once: the
 * successor stays bound to the key. Each successor is checked against the
 * one the suite derives itself from the DATA_KEY it gave the service
 * (test/support/rotation.ts, the formula of decisions.md).
 *
 * Set-up through the management API fixtures; the embedded SQLite adapter.
 */
import * as client from 'openid-client-6';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { history, issueRefreshToken, type CreatedClient } from '../support/fixtures';
import { clientWithPolicy, expectedSuccessor, rotationEnv } from '../support/rotation';
import { startTokenService, type TokenServiceUnderTest } from '../support/token-service';

jest.setTimeout(60_000);

describe('openid-client v6 with rotating refresh tokens (sqlite)', () => {
  let svc: TokenServiceUnderTest;
  let strict: CreatedClient;
  let lenient: CreatedClient;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: rotationEnv() });
    strict = await clientWithPolicy(svc, { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0 });
    lenient = await clientWithPolicy(svc, { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 60 });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const discover = (app: CreatedClient): Promise<client.Configuration> =>
    client.discovery(new URL(svc.issuer), app.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  const refused = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => new Error('expected a refusal'), (e: unknown) => e);

  it('rotates on every refresh, and a spent token presented again revokes the family', async () => {
    const config = await discover(strict);
    const issued = await issueRefreshToken(svc, { client_id: strict.client_id });
    const first = await client.refreshTokenGrant(config, issued.refresh_token);
    expect(first.refresh_token).toBe(expectedSuccessor(issued.id, 1, issued.refresh_token));
    expect(first.claims()).toMatchObject({ iss: svc.issuer, sub: issued.user_id, aud: strict.client_id, azp: strict.client_id, sid: issued.id });
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).toBe(expectedSuccessor(issued.id, 2, first.refresh_token!));

    // A stolen copy of the first token, used after the app moved on: reuse.
    const reuse = await refused(client.refreshTokenGrant(config, issued.refresh_token));
    expect(reuse).toBeInstanceOf(client.ResponseBodyError);
    expect(reuse).toMatchObject({ error: 'invalid_grant', status: 400, error_description: 'Unknown or invalid refresh token.' });
    // The whole family is revoked, the app's current token included.
    expect(await refused(client.refreshTokenGrant(config, second.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
    const revoked = (await history(svc, issued.id)).events.filter((e) => e.type === 'RefreshTokenRevoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0].reason).toBe('reuse_detected');
  });

  it('answers a retried refresh inside the window with the same successor, never a fork', async () => {
    const config = await discover(lenient);
    const issued = await issueRefreshToken(svc, { client_id: lenient.client_id });
    const answered = await client.refreshTokenGrant(config, issued.refresh_token);
    // The app never saw that answer (killed, network lost) and retries with the token it holds.
    const retried = await client.refreshTokenGrant(config, issued.refresh_token);
    expect(retried.refresh_token).toBe(answered.refresh_token);
    const next = await client.refreshTokenGrant(config, retried.refresh_token!);
    expect(next.refresh_token).not.toBe(answered.refresh_token);
    expect((await history(svc, issued.id)).events.filter((e) => e.type === 'RefreshTokenRevoked')).toEqual([]);
  });

  it('keeps a rotating token bound to its DPoP key across rotations', async () => {
    const config = await discover(strict);
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
    const issued = await issueRefreshToken(svc, { client_id: strict.client_id, dpop_jkt: jkt } as never);
    const DPoP = client.getDPoPHandle(config, keyPair);
    const first = await client.refreshTokenGrant(config, issued.refresh_token, undefined, { DPoP });
    expect(first.token_type.toLowerCase()).toBe('dpop');
    // The successor without the key: refused, and (a refusal spends nothing) still good with it.
    expect(await refused(client.refreshTokenGrant(config, first.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
    const second = await client.refreshTokenGrant(config, first.refresh_token!, undefined, { DPoP });
    expect(second.refresh_token).toMatch(/^rt_/);
  });
});
