import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A process the bench started (the service or the ceiling), from the build output. */
export interface BenchProcess {
  baseUrl: string;
  child: ChildProcess;
  /** performance.now() just before spawn (cold start). */
  spawnedAt: number;
  stop(): Promise<void>;
}

/** A token-service started from the build output, as `npm start` runs it, for benchmarks. */
export interface ServiceProcess extends BenchProcess {
  issuer: string;
  dataDir: string;
  clientId: string;
  clientSecret: string;
}

/**
 * One fixed issuer for every bench process: the service refuses a DATA_DIR
 * first started under another ISSUER, and the bench restarts on the same one.
 */
export const BENCH_ISSUER = 'https://bench.invalid/';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Spawns `node <script>` with `env`, resolving once its stdout printed `readyText`. */
export async function startNodeProcess(script: string, env: Record<string, string>, readyText: string, nodeArgs: string[] = []): Promise<BenchProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${script} exited with ${code}`));
    child.once('exit', onExit);
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (seen.includes(readyText)) return;
      seen += chunk.toString();
      if (seen.includes(readyText)) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return {
    baseUrl,
    child,
    spawnedAt,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startServiceProcess(env: Record<string, string> = {}, options: { dataDir?: string; nodeArgs?: string[] } = {}): Promise<ServiceProcess> {
  const clientId = 'bench-management-client';
  const clientSecret = 'bench-management-secret-0123456789abcdef';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'rts-bench-'));
  const started = await startNodeProcess(
    join(__dirname, '..', 'apps', 'token-service', 'src', 'main.js'),
    {
      ISSUER: BENCH_ISSUER,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DELEGATION_RATE_LIMIT: '0',
      MANAGEMENT_CLIENT_ID: clientId,
      MANAGEMENT_CLIENT_SECRET: clientSecret,
      ...env,
    },
    // Several workers: ready once the primary says they all listen.
    Number(env.WORKERS ?? 1) > 1 ? 'workers listening' : 'listening on',
    options.nodeArgs,
  );
  return { ...started, issuer: BENCH_ISSUER, dataDir, clientId, clientSecret };
}

/** The bare Fastify ceiling (ceiling-server.ts) on the service's keys. */
export function startCeilingProcess(dataDir: string, clientAlgs: Record<string, string>): Promise<BenchProcess> {
  return startNodeProcess(join(__dirname, 'ceiling-server.js'), {
    ISSUER: BENCH_ISSUER,
    DATA_DIR: dataDir,
    CEILING_CLIENT_ALGS: JSON.stringify(clientAlgs),
    CEILING_DB: join(dataDir, 'ceiling.sqlite'),
  }, 'ceiling listening on');
}

export async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A management API token (client_credentials of the bootstrap client). */
export async function managementToken(service: ServiceProcess): Promise<string> {
  const { access_token } = await json<{ access_token: string }>(
    await fetch(`${service.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: service.clientId,
        client_secret: service.clientSecret,
        audience: `${service.issuer}api/v2/`,
      }),
    }),
  );
  return access_token;
}

/** Management API headers. */
export async function managementHeaders(service: ServiceProcess): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await managementToken(service)}`, 'content-type': 'application/json' };
}

/** Polls `url` until it answers `status`; resolves with performance.now() of that answer. */
export async function waitForStatus(url: string, status = 200, timeoutMs = 600_000, intervalMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === status) return performance.now();
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resident set size of a process, from /proc (Linux), in bytes; undefined where unavailable. */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
