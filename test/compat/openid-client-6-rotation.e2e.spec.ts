/**
 * Compatibility of rotation: openid-client v6 (a current OAuth 2.0 / OIDC
 * client library, installed beside v5 as `openid-client-6`) refreshes with a
 * rotating client's token through its own API (in its own Node process:
 * openid-client-6-refresh.mjs, as v6 is ESM only), validates each id_token
 * it gets, and receives the new refresh_token as RFC 6749 §6 says; the spent
 * one, after the leeway, is refused as a reuse. Runs on the embedded SQLite
 * adapter: the wire contract does not depend on the event store.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { issueRefreshToken } from '../support/fixtures';
import { clientWithPolicy, expectedSuccessor, rotationEnv } from '../support/rotation';
import { startTokenService, type TokenServiceUnderTest } from '../support/token-service';

jest.setTimeout(60_000);

const run = promisify(execFile);

interface Seen {
  refreshes: Array<{ refresh_token: string | null; claims: Record<string, unknown> | null }>;
  reuse: { accepted: boolean; responseBodyError?: boolean; error?: string; error_description?: string };
}

describe('openid-client v6 refreshing a rotating token (sqlite)', () => {
  let svc: TokenServiceUnderTest;

  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: rotationEnv() });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('gets a new refresh_token on each refresh, with a validated id_token of the same sid; the spent one is refused', async () => {
    const app = await clientWithPolicy(svc, { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 86_400, idle_token_lifetime: 3_600 });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });

    const { stdout } = await run(process.execPath, [join(__dirname, 'openid-client-6-refresh.mjs')], {
      env: { ...process.env, ISSUER: svc.issuer, CLIENT_ID: app.client_id, REFRESH_TOKEN: issued.refresh_token, ROUNDS: '2' },
      timeout: 30_000,
    });
    const seen = JSON.parse(stdout) as Seen;

    const first = expectedSuccessor(issued.id, 1, issued.refresh_token);
    expect(seen.refreshes.map((r) => r.refresh_token)).toEqual([first, expectedSuccessor(issued.id, 2, first)]);
    for (const { claims } of seen.refreshes) {
      expect(claims).toMatchObject({ iss: svc.issuer, sub: issued.user_id, aud: app.client_id, azp: app.client_id, sid: issued.id });
    }
    expect(seen.reuse).toEqual({
      accepted: false,
      responseBodyError: true,
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
    });
  });
});
