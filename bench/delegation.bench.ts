/**
 * Delegation throughput: `npm run bench` (or `npm run bench -- --duration 20 --connections 64`).
 * Starts token-service from the build output as its own process, issues
 * refresh tokens, then drives POST /delegation and POST /oauth/token
 * (refresh grant) with autocannon from this process and prints the figures.
 * Speed is measured here, never asserted in tests.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { json, managementToken, startServiceProcess } from './service-process';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      tokens: { type: 'string', default: '1000' },
    },
  });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const tokenCount = Number(values.tokens);

  const service = await startServiceProcess();
  try {
    const auth = { authorization: `Bearer ${await managementToken(service)}`, 'content-type': 'application/json' };
    const app = await json<{ client_id: string }>(
      await fetch(`${service.baseUrl}/api/v2/clients`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'bench app', app_type: 'native' }) }),
    );
    const tokens: string[] = [];
    const issueStart = Date.now();
    for (let i = 0; i < tokenCount; i++) {
      const issued = await json<{ refresh_token: string }>(
        await fetch(`${service.baseUrl}/api/v2/refresh-tokens`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ client_id: app.client_id, user_id: `user-${i % 100}`, device_name: `device ${i}`, scope: 'openid offline_access' }),
        }),
      );
      tokens.push(issued.refresh_token);
    }
    const issueSeconds = (Date.now() - issueStart) / 1000;
    console.log(`issued ${tokenCount} refresh tokens sequentially in ${issueSeconds.toFixed(1)} s (${(tokenCount / issueSeconds).toFixed(0)}/s, one HTTP call and one fsync'd append each)`);

    let next = 0;
    const run = async (title: string, path: string, body: (token: string) => string) => {
      const result = await autocannon({
        url: `${service.baseUrl}${path}`,
        connections,
        duration,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: body(tokens[next++ % tokens.length]) }),
          },
        ],
      });
      const non2xx = result.non2xx + result.errors;
      console.log(
        `${title}: ${result.requests.average.toFixed(0)} req/s average over ${duration} s, ${connections} connections; ` +
          `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ${result.requests.total} requests, ${non2xx} not 2xx`,
      );
    };
    await run('POST /delegation', '/delegation', (token) =>
      JSON.stringify({ client_id: app.client_id, grant_type: JWT_BEARER, refresh_token: token, scope: 'openid' }),
    );
    await run('POST /oauth/token (refresh_token, public client)', '/oauth/token', (token) =>
      JSON.stringify({ grant_type: 'refresh_token', client_id: app.client_id, refresh_token: token }),
    );
  } finally {
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
