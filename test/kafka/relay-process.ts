/**
 * Runs the real apps/revocation-relay entry point as a child process (through
 * test/support/ts-register.js: no build step that could go stale), so a test can
 * kill -9 it mid-stream and start it again on the same DATA_DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export class RelayProcess {
  private child: ChildProcess | undefined;
  output = '';
  constructor(private readonly env: { DATA_DIR: string; KAFKA_BROKERS: string; KAFKA_REVOCATIONS_TOPIC: string; ISSUER: string } & Record<string, string>) {}

  /** Spawns the relay; resolves once it logged `readyLine` (by default: that it subscribed to the log). */
  async start(timeoutMs = 30_000, readyLine = 'revocation relay subscribed'): Promise<void> {
    const child = spawn(process.execPath, ['-r', join(root, 'test', 'support', 'ts-register.js'), join(root, 'apps', 'revocation-relay', 'src', 'main.ts')], {
      cwd: root,
      env: { ...process.env, ...this.env, LOG_LEVEL: 'info', RELAY_STATUS_INTERVAL_MS: '0', RELAY_POLL_INTERVAL_MS: '20' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`relay did not log "${readyLine}" within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        if (this.output.includes(readyLine)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`relay exited (${code ?? signal}) before "${readyLine}":\n${this.output}`));
      });
    });
  }

  /** SIGKILL: no shutdown hook runs, whatever was buffered or in flight is lost to the process. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async terminate(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}
