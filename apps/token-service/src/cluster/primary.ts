import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { AppConfig } from '@app/config';
import { claimDataDir, EXIT_REFUSED } from '@app/process';
import { createRootLogger } from '../infrastructure/logger';
import { startClusterRateLimits } from './cluster-rate-limits';
import type { ProcessRole } from '../infrastructure/infrastructure.module';

/** The environment variable through which the primary tells a worker its role. */
export const WORKER_ROLE_ENV = 'TOKEN_SERVICE_WORKER_ROLE';

/** EX_CONFIG (sysexits.h): the operator must change the configuration; a supervisor should not restart as is. */
export const EXIT_CONFIG = EXIT_REFUSED;

/** A worker that died is started again after this pause (no busy loop if it dies at once). */
const RESTART_DELAY_MS = 200;

/** The role this process was forked with, or `single` when it is no cluster worker. */
export function workerRole(): ProcessRole {
  const role = process.env[WORKER_ROLE_ENV];
  return cluster.isWorker && (role === 'projector' || role === 'follower') ? role : 'single';
}

/**
 * WORKERS > 1: this process holds the DATA_DIR lock, counts the rate limits
 * for every worker (bounded by RATE_LIMIT_MAX_KEYS), forks the projector, then,
 * once it listens (the read model exists and has caught up), the followers;
 * it starts again any worker that dies, and stops them all on SIGTERM/SIGINT.
 * Connections are spread round-robin by Node's cluster module.
 */
export async function runPrimary(config: AppConfig): Promise<void> {
  const logger = createRootLogger(config.logLevel).child({ component: 'cluster', pid: process.pid });
  const lock = claimDataDir(config.dataDir, 'token-service', logger);
  startClusterRateLimits(config.rateLimitMaxKeys);
  let stopping = false;
  const exit = (code: number): never => {
    lock.release();
    process.exit(code);
  };

  const fork = (role: Exclude<ProcessRole, 'single'>): Worker => {
    const worker = cluster.fork({ [WORKER_ROLE_ENV]: role });
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      if (code === EXIT_CONFIG) {
        logger.error({ role, code }, 'a worker refused the configuration; stopping');
        stopAll(EXIT_CONFIG);
        return;
      }
      logger.warn({ role, workerPid: worker.process.pid, code, signal }, 'worker died; starting another');
      setTimeout(() => stopping || fork(role), RESTART_DELAY_MS);
    });
    return worker;
  };
  const stopAll = (code: number): void => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const force = setTimeout(() => exit(1), 20_000).unref();
    void Promise.all(workers.map((w) => (w.process.kill('SIGTERM'), once(w, 'exit')))).then(() => {
      clearTimeout(force);
      exit(code);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stopAll(0));

  const listening = (worker: Worker): Promise<void> =>
    new Promise((resolve, reject) => {
      worker.once('listening', () => resolve());
      worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before listening`)));
    });
  try {
    await listening(fork('projector'));
    await Promise.all(Array.from({ length: config.workers - 1 }, () => listening(fork('follower'))));
  } catch (error) {
    if (!stopping) {
      logger.error({ error: String(error) }, 'a worker failed to start');
      stopAll(1);
    }
    return;
  }
  logger.info({ workers: config.workers }, 'token-service workers listening');
  process.stdout.write(`token-service cluster: ${config.workers} workers listening\n`);
}
