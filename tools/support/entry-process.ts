/**
 * Runs a real entry point (apps/<app>/src/main.ts) as a child process through
 * test/support/ts-register.js (no build step that could go stale), so a test
 * can see what the process prints, how it exits, and signal it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export type EntryPoint = 'token-service' | 'revocation-relay';

export class EntryProcess {
  private readonly child: ChildProcess;
  /** stdout and stderr, interleaved as they arrive. */
  output = '';
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;

  /**
   * `env` is added to this process's environment; a name mapped to undefined is removed from it.
   * `onLine`, when given, is called with each complete line the process prints (stdout and stderr).
   */
  constructor(app: EntryPoint, env: Record<string, string | undefined>, onLine?: (line: string) => void) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
    this.child = spawn(process.execPath, ['-r', join(root, 'test', 'support', 'ts-register.js'), join(root, 'apps', app, 'src', 'main.ts')], {
      cwd: root,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (): ((chunk: Buffer) => void) => {
      let partial = '';
      return (chunk) => {
        const text = chunk.toString('utf8');
        this.output += text;
        if (!onLine) return;
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        for (const line of lines) onLine(line);
      };
    };
    this.child.stdout!.on('data', collect());
    this.child.stderr!.on('data', collect());
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the output matches `pattern`; rejects if the process exits first or the time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (!this.running) throw new Error(`exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Resolves with the exit code; rejects if it is still running after `timeoutMs`. */
  async exitCode(timeoutMs = 30_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${this.output}`)), timeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` (if still running) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}
