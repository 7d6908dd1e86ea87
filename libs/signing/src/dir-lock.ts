import { mkdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from '@app/process';
import { KeyStoreLockedError } from './errors';

const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;

export interface DirLockOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** A lock older than this is left over from a crashed process and is broken. */
  staleMs?: number;
}

/**
 * Runs `work` while holding `<dir>/.lock` (mkdir(2) is atomic: one process
 * wins). Used for first-start key generation, where "check then generate"
 * must not run twice.
 */
export async function withDirLock<T>(dir: string, work: () => Promise<T>, options: DirLockOptions = {}): Promise<T> {
  const lockPath = join(dir, '.lock');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockPath, { mode: PRIVATE_DIR_MODE });
      break;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > staleMs) {
        await rmdir(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new KeyStoreLockedError(`${lockPath} held for more than ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.floor(Math.random() * 50)));
    }
  }
  try {
    return await work();
  } finally {
    await rmdir(lockPath).catch(() => undefined);
  }
}
