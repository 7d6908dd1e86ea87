// openid-client v6 is ESM only, which this Jest setup (CommonJS through swc) does not load: the suite runs
// this script in its own Node process. It refreshes REFRESH_TOKEN `ROUNDS` times (each time with the token the
// previous refresh returned), then presents the first token again, and prints one JSON line of what it saw.
import * as oidc from 'openid-client-6';

const { ISSUER, CLIENT_ID, REFRESH_TOKEN, ROUNDS = '2' } = process.env;
const config = await oidc.discovery(new URL(ISSUER), CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
const refreshes = [];
let token = REFRESH_TOKEN;
for (let i = 0; i < Number(ROUNDS); i++) {
  // refreshTokenGrant validates the id_token it receives (signature by the jwks_uri, iss, aud, azp, exp, iat).
  const answer = await oidc.refreshTokenGrant(config, token);
  refreshes.push({ refresh_token: answer.refresh_token ?? null, claims: answer.claims() ?? null });
  token = answer.refresh_token ?? token;
}
let reuse;
try {
  await oidc.refreshTokenGrant(config, REFRESH_TOKEN);
  reuse = { accepted: true };
} catch (error) {
  reuse = { accepted: false, responseBodyError: error instanceof oidc.ResponseBodyError, error: error.error, error_description: error.error_description };
}
process.stdout.write(`${JSON.stringify({ refreshes, reuse })}\n`);
