/**
 * DPoP across replicas (F15: "nonces and jti replay protection shared by all
 * replicas"): two token-service instances on one event store (the EventStoreDB
 * test double) behind one public ISSUER, sharing DATA_KEY and, with
 * RATE_LIMIT_STORE=redis, a real redis-server. A nonce one replica hands out
 * is accepted by the other with no state between them; a proof used on one is
 * refused as a replay on the other.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { calculateJwkThumbprint } from 'jose';
import { proofKey, type ProofKey, signProof } from '@app/dpop/testing/proofs';
import { issueRefreshToken, createClient, type OAuthErrorBody } from '../../../../../test/support/fixtures';
import type { HttpResponse } from '../../../../../test/support/http-client';
import { startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';
import { startRedisServer, type RedisUnderTest } from '../../../../../tools/support/redis-server';

type TokenResponse = HttpResponse<{ token_type: string } & OAuthErrorBody>;
const now = (): number => Math.floor(Date.now() / 1000);

describe('DPoP on two replicas sharing Redis (eventstoredb)', () => {
  let redis: RedisUnderTest;
  let a: TokenServiceUnderTest;
  let b: TokenServiceUnderTest;
  let key: ProofKey;
  let clientId: string;
  let refreshToken: string;
  let htu: string;
  beforeAll(async () => {
    redis = await startRedisServer();
    const shared = { DATA_KEY: randomBytes(32).toString('base64'), RATE_LIMIT_STORE: 'redis', REDIS_URL: redis.url, DELEGATION_RATE_LIMIT: '100000' };
    a = await startTokenService({ adapter: 'eventstoredb', env: shared });
    // B: A's event store and public URL (one ISSUER behind a load balancer: proofs name it in htu).
    b = await startTokenService({ adapter: 'eventstoredb', env: { ...shared, EVENTSTORE_CONNECTION_STRING: a.double!.connectionString, ISSUER: a.issuer } });
    key = await proofKey('ES256');
    clientId = (await createClient(a, { app_type: 'native' })).client_id;
    const issued = await issueRefreshToken(a, { client_id: clientId, dpop_jkt: await calculateJwkThumbprint(key.publicJwk, 'sha256') } as never);
    refreshToken = issued.refresh_token;
    htu = `${a.issuer}oauth/token`;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  const token = (svc: TokenServiceUnderTest, dpop: string): Promise<TokenResponse> =>
    svc.http.post('/oauth/token', { form: { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }, headers: { DPoP: dpop } });
  const nonceFrom = async (svc: TokenServiceUnderTest): Promise<string> => {
    const r = await token(svc, await signProof(key, { htu, iat: now() }));
    expect(r.body.error).toBe('use_dpop_nonce');
    return r.headers.get('dpop-nonce')!;
  };

  it("accepts on one replica the nonce the other handed out (no shared state: both derive it from DATA_KEY)", async () => {
    const fromA = await nonceFrom(a);
    const r = await token(b, await signProof(key, { htu, iat: now(), nonce: fromA }));
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('DPoP');
  });

  it('refuses on one replica a proof already used on the other (jti in Redis, SET NX EX)', async () => {
    const proof = await signProof(key, { htu, iat: now(), nonce: await nonceFrom(a), jti: randomUUID() });
    expect((await token(a, proof)).status).toBe(200);
    const replay = await token(b, proof);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_dpop_proof');

    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('dpop-jti:*');
      expect(keys.length).toBeGreaterThan(0);
      const ttl = await client.ttl(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(65);
    } finally {
      client.disconnect();
    }
  });
});
