/** Test helpers: the audit CLI in-process, its output captured. */
import { PassThrough } from 'node:stream';
import { runCli } from '../cli';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function auditCli(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<Outcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString('utf8')));
  stderr.on('data', (c: Buffer) => err.push(c.toString('utf8')));
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The service's latest signed checkpoint once its size is above `size` (one is signed at most every second). */
export async function checkpointAbove(env: NodeJS.ProcessEnv, size: number, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await auditCli(env, 'checkpoint');
    if (r.code === 0 && Number(r.stdout.split('\n')[1]) > size) return r.stdout;
    if (Date.now() > deadline) throw new Error(`no checkpoint above ${size}: ${r.stdout}${r.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
