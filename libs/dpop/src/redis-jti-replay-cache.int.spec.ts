import { Redis } from 'ioredis';
import { startRedisServer, type RedisUnderTest } from '../../../tools/support/redis-server';
import { MemoryJtiReplayCache } from './jti-replay-cache';
import { RedisJtiReplayCache } from './redis-jti-replay-cache';

/** Against a real redis-server (tools/support): the store RATE_LIMIT_STORE=redis shares between replicas. */
describe('RedisJtiReplayCache', () => {
  let server: RedisUnderTest;
  const clients: Redis[] = [];
  const connect = (): Redis => {
    const client = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    clients.push(client);
    return client;
  };
  const ready = (client: Redis): Promise<void> => (client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => client.once('ready', () => resolve())));

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server.stop();
  });

  it('lets exactly one of two replicas claim a jti, even when both try at once', async () => {
    const [a, b] = [connect(), connect()];
    await Promise.all([ready(a), ready(b)]);
    const replicaA = new RedisJtiReplayCache(a);
    const replicaB = new RedisJtiReplayCache(b);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? replicaA : replicaB).claim('jkt:same-jti', 65)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await replicaB.claim('jkt:other-jti', 65)).toBe(true);
  });

  it('sets the TTL of the iat window, so the key goes away by itself', async () => {
    const client = connect();
    await ready(client);
    const cache = new RedisJtiReplayCache(client, { keyPrefix: 'test-jti:' });
    await cache.claim('k', 65);
    const ttl = await client.ttl('test-jti:k');
    expect(ttl).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(65);
    expect(await client.get('test-jti:k')).toBe('1');
  });

  it('falls back to this process while Redis is gone, and says so', async () => {
    const client = connect();
    await ready(client);
    const errors: unknown[] = [];
    const cache = new RedisJtiReplayCache(client, { fallback: new MemoryJtiReplayCache(), onError: (error) => errors.push(error) });
    client.disconnect();
    expect(await cache.claim('during-outage', 65)).toBe(true);
    expect(await cache.claim('during-outage', 65)).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    const strict = new RedisJtiReplayCache(client);
    await expect(strict.claim('no-fallback', 65)).rejects.toThrow();
  });
});
