/**
 * RATE_LIMIT_STORE=redis: one /delegation budget across three replicas
 * (separate processes from tools/topology) on a real redis-server this suite
 * starts on a free port; and the documented fallback when Redis dies.
 */
import { startTopology, type Topology } from '../../tools/topology/topology';
import { createClient, delegate, issueRefreshToken, type ServiceHandle } from '../support/fixtures';
import { startRedisServer, type RedisUnderTest } from '../../tools/support/redis-server';
import { replicaHandles } from './replica-handles';

jest.setTimeout(120_000);

const LIMIT = 6;

describe('one rate limit across three replicas (RATE_LIMIT_STORE=redis)', () => {
  let redis: RedisUnderTest;
  let topology: Topology;
  let replicas: ServiceHandle[];

  beforeAll(async () => {
    redis = await startRedisServer();
    topology = await startTopology({ redisUrl: redis.url, env: { DELEGATION_RATE_LIMIT: String(LIMIT) } });
    replicas = replicaHandles(topology);
  }, 120_000);

  afterAll(async () => {
    await topology?.stop();
    await redis?.stop();
  });

  it('allows exactly the configured limit per (IP, user) in total, whichever replica answers', async () => {
    const client = await createClient(replicas[0]);
    const token = await issueRefreshToken(replicas[0], { client_id: client.client_id });
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT * 3; i++) statuses.push((await delegate(replicas[i % 3], client.client_id, token.refresh_token)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(LIMIT * 2);
    // Another user keeps a budget of their own.
    const other = await issueRefreshToken(replicas[1], { client_id: client.client_id });
    expect((await delegate(replicas[2], client.client_id, other.refresh_token)).status).toBe(200);
  });

  it('keeps answering when Redis dies: each replica counts in its memory, logged, never a 5xx', async () => {
    const client = await createClient(replicas[0]);
    const token = await issueRefreshToken(replicas[0], { client_id: client.client_id });
    await redis.kill();
    const a = topology.replicas[0].process;
    await a.waitForOutput(/Redis unreachable/, 10_000);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT * 3; i++) statuses.push((await delegate(replicas[i % 3], client.client_id, token.refresh_token)).status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // Alone, each replica allows the limit: 3 x LIMIT in total, all within budget here.
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT * 3);
    // And past its own budget, one replica still refuses with 429.
    expect((await delegate(replicas[0], client.client_id, token.refresh_token)).status).toBe(429);
  });
});
