import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A token-service started from the build output, as `npm start` runs it, for benchmarks. */
export interface ServiceProcess {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

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

export async function startServiceProcess(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const clientId = 'bench-management-client';
  const clientSecret = 'bench-management-secret-0123456789abcdef';
  const child = spawn(process.execPath, [join(__dirname, '..', 'apps', 'token-service', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      ISSUER: `${baseUrl}/`,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'rts-bench-')),
      LOG_LEVEL: 'warn',
      DELEGATION_RATE_LIMIT: '0',
      MANAGEMENT_CLIENT_ID: clientId,
      MANAGEMENT_CLIENT_SECRET: clientSecret,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`token-service exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve();
    });
  });
  return {
    baseUrl,
    clientId,
    clientSecret,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
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
        audience: `${service.baseUrl}/api/v2/`,
      }),
    }),
  );
  return access_token;
}
