/**
 * A real Redis for the rate-limit suites: `redis-server` (Debian's package)
 * started on a free port with no persistence, in a child process this test
 * owns (so a test may kill it to prove the fallback). A missing binary fails
 * the suite: nothing is skipped (`.ci/run` installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './free-port';

export interface RedisUnderTest {
  url: string;
  port: number;
  /** SIGKILL: Redis gone without a goodbye. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisUnderTest> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`redis-server did not start (apt-get install redis-server): ${error.message}`))));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await Promise.race([pong(port), spawnError]);
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not answer on ${port}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { url: `redis://127.0.0.1:${port}`, port, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

/** True when something on `port` answers PING with +PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    socket.setTimeout(500, () => socket.destroy());
    socket.on('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}
