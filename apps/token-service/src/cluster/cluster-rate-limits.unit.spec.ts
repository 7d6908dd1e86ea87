import cluster from 'node:cluster';
import { startClusterRateLimits } from './cluster-rate-limits';

/** What the primary answers a worker, in rate-limiter-flexible's cluster protocol. */
interface Reply {
  promiseId: number;
  type: 'init' | 'resolve' | 'reject';
  data: { consumedPoints: number } | null;
}

describe('the cluster primary’s rate limits (WORKERS > 1)', () => {
  const channel = 'rate_limiter_flexible';
  const keyPrefix = 'rate-limit:cluster-spec';
  const replies: Reply[] = [];
  const worker = { send: (msg: Reply) => void replies.push(msg) };
  const ask = async (func: 'consume' | 'get', key: string, promiseId: number): Promise<Reply> => {
    cluster.emit('message', worker, { channel, keyPrefix, func, promiseId, data: { key, arg: 1, opts: {} } });
    for (let i = 0; i < 50; i++) {
      const reply = replies.find((r) => r.promiseId === promiseId);
      if (reply) return reply;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no reply to ${func} ${key}`);
  };

  it('keeps at most RATE_LIMIT_MAX_KEYS windows: a flood of distinct keys evicts the oldest, the young ones keep counting', async () => {
    startClusterRateLimits(100);
    cluster.emit('message', worker, { channel, type: 'init', opts: { keyPrefix, points: 5, duration: 60 } });
    // The attack: one request each from 1000 addresses.
    for (let i = 0; i < 1000; i++) expect((await ask('consume', `ip-${i}`, i)).type).toBe('resolve');

    expect((await ask('get', 'ip-0', 10_000)).data).toBeNull();
    expect((await ask('get', 'ip-899', 10_001)).data).toBeNull();
    expect((await ask('get', 'ip-900', 10_002)).data).toMatchObject({ consumedPoints: 1 });
    expect((await ask('get', 'ip-999', 10_003)).data).toMatchObject({ consumedPoints: 1 });
  });
});
