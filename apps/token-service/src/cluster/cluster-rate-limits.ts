import cluster from 'node:cluster';
import { RateLimiterClusterMaster, type RateLimiterMemory } from 'rate-limiter-flexible';
import { BoundedRateLimiterMemory } from '../rate-limits/rate-limiter';

/** rate-limiter-flexible's IPC channel between the workers' `RateLimiterCluster` and the master. */
const CHANNEL = 'rate_limiter_flexible';

/** The master keeps its limiters by key prefix in this (undeclared) field; each is made on a worker's `init`. */
type ClusterMaster = RateLimiterClusterMaster & { _rateLimiters: Record<string, RateLimiterMemory | undefined> };

interface InitMessage {
  channel: typeof CHANNEL;
  type: 'init';
  opts: { keyPrefix: string; points: number; duration: number };
}

const isInit = (msg: unknown): msg is InitMessage =>
  typeof msg === 'object' && msg !== null && (msg as { channel?: unknown }).channel === CHANNEL && (msg as { type?: unknown }).type === 'init';

/**
 * WORKERS > 1: the primary counts every worker's rate limits. The library's
 * master makes a plain `RateLimiterMemory` per limiter, which keeps every key
 * until its window ends: a flood of distinct keys would grow the primary
 * without bound. Our listener runs first and puts a `BoundedRateLimiterMemory`
 * (`RATE_LIMIT_MAX_KEYS`, oldest windows evicted) in its place, so the
 * library's protocol and worker side stay as they are.
 */
export function startClusterRateLimits(maxKeys: number): void {
  const master = new RateLimiterClusterMaster() as ClusterMaster;
  cluster.prependListener('message', (_worker, msg: unknown) => {
    if (!isInit(msg) || master._rateLimiters[msg.opts.keyPrefix] !== undefined) return;
    const { keyPrefix, points, duration } = msg.opts;
    master._rateLimiters[keyPrefix] = new BoundedRateLimiterMemory({ keyPrefix, points, duration }, maxKeys);
  });
}
