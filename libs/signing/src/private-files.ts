import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KeyStoreLockedError } from './errors';

/**
 * File helpers for secrets on disk: directories 0700, files 0600, and writes
 * that a concurrent reader never sees half done (temp file + rename, POSIX
 * rename(2) is atomic within a directory).
 */

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;

/** Creates `dir` (and parents) and tightens it to 0700; best effort when it exists and is not ours. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  try {
    await chmod(dir, DIR_MODE);
  } catch {
    // Not the owner (a mounted secret volume, say): keep going, reading works.
  }
}

const tempPathFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

async function writeTemp(path: string, content: string): Promise<string> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', FILE_MODE);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // open()'s mode is filtered by the umask; make it exact.
  await chmod(temp, FILE_MODE);
  return temp;
}

/** Writes `content` to `path` (mode 0600) through a temp file and a rename: readers see the old or the new file. */
export async function writePrivateFileAtomic(path: string, content: string): Promise<void> {
  const temp = await writeTemp(path, content);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Creates `path` with `content` only if it does not exist yet, atomically
 * (link(2) fails with EEXIST), so two processes starting at once agree on
 * one file. Returns false when another writer got there first.
 */
export async function createPrivateFileExclusive(path: string, content: string): Promise<boolean> {
  const temp = await writeTemp(path, content);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

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
      await mkdir(lockPath, { mode: DIR_MODE });
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
