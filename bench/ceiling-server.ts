/**
 * The same-run ceiling (issue 10): a bare Fastify route, same fastify as the
 * service (resolved through @nestjs/platform-fastify), no Nest, no read
 * model, no log line, that does only the unavoidable work of each endpoint:
 *
 * - POST /delegation: parse the JSON body, sign an id_token of the same claims
 *   (iss, sub, aud, azp, sid, iat, exp) with the same key and algorithm:
 *   the key files of DATA_DIR/keys imported once with jose's importJWK, each
 *   token signed with jose's SignJWT, nothing of ours in the signing path (so
 *   a cost or a saving in @app/signing shows in the ratio, not in both sides);
 * - POST /delegation/prepared: the same route signing with @app/signing's
 *   prepared signer instead of jose (the one part of ours in this file, so the
 *   bench shows what the signer alone gives, beside the jose route);
 * - POST /oauth/token: the same id_token plus the RS256 access token of a refresh grant;
 * - POST /rotate: a rotating refresh grant's unavoidable work: hash the
 *   presented token, mint and hash its successor, one group-committed row
 *   (the successor's hash beside its predecessor's), and the id_token and
 *   access token of /oauth/token; the answer carries the successor;
 * - POST /issue: a new refresh token, hashed, one row inserted into a SQLite
 *   file (WAL, synchronous=FULL) with the same group commit as the event
 *   store (rows of one event-loop turn in one transaction): a durable write per request;
 * - GET /health: for cold start.
 *
 * Started as its own process by the bench, loaded exactly like the service.
 * Env: PORT, HOST, DATA_DIR (keys are read from DATA_DIR/keys), ISSUER,
 * CEILING_CLIENT_ALGS (JSON: client_id -> alg), CEILING_DB (file for /issue).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { importJWK, type JWK, type KeyLike, SignJWT } from 'jose';
import { generateRefreshToken } from '@app/refresh-tokens';
import { hashRefreshToken } from '@app/refresh-tokens/secret/token-hash';
import { cryptoIds } from '@app/shared';
import { generateCredentialId } from '@app/signing';
import { prepareSigner, type PreparedSigner } from '@app/signing/prepared-signer';

// The fastify the service runs: the one @nestjs/platform-fastify resolves.
const platformRequire = createRequire(require.resolve('@nestjs/platform-fastify'));
const fastify = platformRequire('fastify') as (options: object) => FastifyInstance;

interface TokenBody {
  client_id?: string;
  refresh_token?: string;
  user_id?: string;
}

interface CeilingKey {
  kid: string;
  alg: string;
  key: KeyLike;
}

/** The newest key file of each alg in `dir`, imported once with jose (the bench's keys: one per alg, no rotation). */
async function importKeys(dir: string): Promise<Map<string, CeilingKey>> {
  const newest = new Map<string, JWK & { kid: string; alg: string; created_at?: string }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jwk.json'))) {
    const jwk = JSON.parse(readFileSync(join(dir, file), 'utf8')) as JWK & { kid: string; alg: string; created_at?: string };
    const seen = newest.get(jwk.alg);
    if (!seen || (seen.created_at ?? '') < (jwk.created_at ?? '')) newest.set(jwk.alg, jwk);
  }
  const keys = new Map<string, CeilingKey>();
  for (const [alg, { kid, d, kty, crv, x, y, n, e, p, q, dp, dq, qi }] of newest) {
    keys.set(alg, { kid, alg, key: (await importJWK({ kty, crv, x, y, n, e, d, p, q, dp, dq, qi }, alg)) as KeyLike });
  }
  return keys;
}

/** Group commit, as SqliteEventStore does it: rows queued in one turn, written in one transaction after it. */
function groupCommitter(filename: string): (row: unknown[]) => Promise<void> {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS issued (credential_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, client_id TEXT, user_id TEXT, created_at TEXT) STRICT');
  const insert = db.prepare('INSERT INTO issued VALUES (?, ?, ?, ?, ?)');
  let queue: { row: unknown[]; done: () => void; fail: (e: unknown) => void }[] = [];
  const commit = db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row);
  });
  const flush = (): void => {
    const group = queue;
    queue = [];
    try {
      commit.immediate(group.map((g) => g.row));
      for (const g of group) g.done();
    } catch (error) {
      for (const g of group) g.fail(error);
    }
  };
  return (row) =>
    new Promise<void>((done, fail) => {
      if (queue.push({ row, done, fail }) === 1) setImmediate(flush);
    });
}

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR ?? '.';
  const issuer = process.env.ISSUER ?? 'http://127.0.0.1/';
  const algs = JSON.parse(process.env.CEILING_CLIENT_ALGS ?? '{}') as Record<string, string>;
  const keys = await importKeys(join(dataDir, 'keys'));
  const write = groupCommitter(process.env.CEILING_DB ?? join(dataDir, 'ceiling.sqlite'));
  const lifetimeInSeconds = 36_000;
  const sid = generateCredentialId();
  const keyOf = (alg: string): CeilingKey => {
    const key = keys.get(alg);
    if (!key) throw new Error(`no ${alg} key in DATA_DIR/keys`);
    return key;
  };
  const now = () => Math.floor(Date.now() / 1000);

  const idToken = async (clientId: string) => {
    const { kid, alg, key } = keyOf(algs[clientId] ?? 'RS256');
    const iat = now();
    const token = await new SignJWT({ azp: clientId, sid })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject('user-1234')
      .setAudience(clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeInSeconds)
      .sign(key);
    return { idToken: token, expiresIn: lifetimeInSeconds };
  };
  const accessToken = (clientId: string): Promise<string> => {
    const { kid, alg, key } = keyOf('RS256');
    const iat = now();
    return new SignJWT({ sid, scope: 'openid offline_access', gty: 'refresh_token', azp: clientId, client_id: clientId })
      .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setSubject('user-1234')
      .setAudience(`${issuer}userinfo`)
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeInSeconds)
      .setJti(randomUUID())
      .sign(key);
  };

  const prepared = new Map<string, PreparedSigner>();
  for (const { kid, alg, key } of keys.values()) {
    prepared.set(alg, prepareSigner({ alg: alg as PreparedSigner['alg'], kid, privateKey: key, typ: 'JWT' }));
  }

  const app = fastify({ logger: false });
  app.get('/health', async () => ({ status: 'ok' }));
  app.post<{ Body: TokenBody }>('/delegation', async (request) => {
    const minted = await idToken(request.body.client_id ?? '');
    return { id_token: minted.idToken, token_type: 'Bearer', expires_in: minted.expiresIn };
  });
  app.post<{ Body: TokenBody }>('/delegation/prepared', async (request) => {
    const clientId = request.body.client_id ?? '';
    const signer = prepared.get(algs[clientId] ?? 'RS256');
    if (!signer) throw new Error(`no ${algs[clientId]} key in DATA_DIR/keys`);
    const iat = now();
    const idToken = signer.sign({ azp: clientId, sid, iss: issuer, sub: 'user-1234', aud: clientId, iat, exp: iat + lifetimeInSeconds });
    return { id_token: idToken, token_type: 'Bearer', expires_in: lifetimeInSeconds };
  });
  app.post<{ Body: TokenBody }>('/oauth/token', async (request) => {
    const clientId = request.body.client_id ?? '';
    const [minted, access] = await Promise.all([idToken(clientId), accessToken(clientId)]);
    return { access_token: access, id_token: minted.idToken, token_type: 'Bearer', expires_in: minted.expiresIn, scope: 'openid offline_access' };
  });
  app.post<{ Body: TokenBody }>('/rotate', async (request) => {
    const clientId = request.body.client_id ?? '';
    const successor = generateRefreshToken(cryptoIds);
    const write_ = write([generateCredentialId(), hashRefreshToken(successor), clientId, hashRefreshToken(request.body.refresh_token ?? ''), new Date().toISOString()]);
    const [minted, access] = await Promise.all([idToken(clientId), accessToken(clientId), write_]);
    return { access_token: access, id_token: minted.idToken, refresh_token: successor, token_type: 'Bearer', expires_in: minted.expiresIn, scope: 'openid offline_access' };
  });
  app.post<{ Body: TokenBody }>('/issue', async (request, reply) => {
    const token = generateRefreshToken(cryptoIds);
    const credentialId = generateCredentialId();
    await write([credentialId, hashRefreshToken(token), request.body.client_id ?? '', request.body.user_id ?? '', new Date().toISOString()]);
    return reply.code(201).send({ id: credentialId, refresh_token: token });
  });
  const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
  process.stdout.write(`ceiling listening on ${address}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
