/**
 * An example downstream service: trusts the refresh-token service's id_tokens,
 * but stops trusting those of a revoked credential the moment the revocation
 * reaches Kafka, long before the token expires.
 *
 *   GET /me       Authorization: Bearer <id_token>  → 200 the token's claims | 401 {error, code}
 *   GET /healthz  → 200 once the revocation set is complete (503 before), with listener stats
 *
 * Environment: KAFKA_BROKERS (required), ISSUER (the service's, default
 * http://localhost:3000/), AUDIENCE (your client id, required), JWKS_URI
 * (default ${ISSUER}.well-known/jwks.json), KAFKA_REVOCATIONS_TOPIC,
 * PORT (default 4000), GROUP_ID (default one per process: each instance needs every revocation).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { RevocationListener, RevocationEventsError, revocationsTopicFromEnv } from '@refresh-token-service/revocation-events';

const env = process.env;
const brokers = env.KAFKA_BROKERS;
const audience = env.AUDIENCE;
if (!brokers || !audience) {
  process.stderr.write('set KAFKA_BROKERS and AUDIENCE (see examples/downstream-service/README.md)\n');
  process.exit(2);
}
const issuer = env.ISSUER ?? 'http://localhost:3000/';
const jwksUri = env.JWKS_URI ?? new URL('.well-known/jwks.json', issuer).toString();
const port = Number(env.PORT ?? 4000);

const listener = new RevocationListener({
  brokers,
  groupId: env.GROUP_ID ?? `downstream-example-${hostname()}-${process.pid}`,
  topic: revocationsTopicFromEnv(env),
  // Only revocations the service signed, from its issuer: no other topic writer can revoke.
  issuer,
  jwksUri,
});
listener.onRevocation((event) => {
  process.stdout.write(`revoked ${event.subject} (user ${event.data.user_id}, reason ${event.data.reason}, by ${event.data.revoked_by})\n`);
});

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/healthz') {
    return send(res, listener.isReady() ? 200 : 503, { ready: listener.isReady(), ...listener.stats() });
  }
  if (req.method === 'GET' && url.pathname === '/me') {
    const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return send(res, 401, { error: 'invalid_token', code: 'NO_BEARER_TOKEN' });
    try {
      const claims = await listener.verifyIdTokenNotRevoked(match[1], { jwksUri, issuer, audience: audience! });
      return send(res, 200, claims);
    } catch (error) {
      // CREDENTIAL_REVOKED, ID_TOKEN_WITHOUT_SID, LISTENER_NOT_READY, or jose's ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ...
      const code = error instanceof RevocationEventsError ? error.code : ((error as { code?: string }).code ?? 'INVALID_TOKEN');
      return send(res, 401, { error: 'invalid_token', code });
    }
  }
  send(res, 404, { error: 'not_found' });
}

async function main(): Promise<void> {
  await listener.start(); // resolves once every retained revocation is in the set
  const server = createServer((req, res) => void handle(req, res).catch(() => send(res, 500, { error: 'server_error' })));
  server.listen(port, '127.0.0.1', () => process.stdout.write(`downstream example on http://127.0.0.1:${port} (issuer ${issuer})\n`));
  const shutdown = (): void => {
    server.close();
    listener.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`downstream example failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
