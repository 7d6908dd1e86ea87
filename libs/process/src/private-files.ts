import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { chmod, link, open, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataDirMissingError } from './data-dir';

/**
 * The one set of helpers for state on disk: DATA_DIR and the key directory
 * owner-only (0700), files 0600, and writes that a concurrent reader never
 * sees half done (temp file + rename, POSIX rename(2) is atomic within a
 * directory).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** What `ensurePrivateDir` found: `tightenedFrom` is the old mode when the directory was looser than 0700. */
export interface PrivateDirResult {
  created: boolean;
  tightenedFrom?: number;
}

export interface PrivateDirOptions {
  /**
   * A directory we do not own (a mounted secret volume, say) is kept as it is
   * rather than refused: reading it works. Default false: a looser directory
   * that cannot be tightened is not served.
   */
  keepIfNotOwner?: boolean;
}

const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;

/**
 * Creates `dir` (and parents) 0700, or tightens an existing one to 0700 when
 * group or others had any access (the caller logs a warning). Throws when it
 * cannot (not the owner), unless `keepIfNotOwner`.
 * Synchronous on purpose: it runs once at start-up, before anything opens a file.
 */
export function ensurePrivateDir(dir: string, options: PrivateDirOptions = {}): PrivateDirResult {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    chmodSync(dir, PRIVATE_DIR_MODE); // mkdir's mode is filtered by the umask; make it exact
    return { created: true };
  }
  // Before any chmod: a DATA_DIR mistyped as a file's path must not change that file's mode.
  if (!stat.isDirectory()) throw new DataDirMissingError(`DATA_DIR ${dir} is not a directory: set DATA_DIR to a directory (it is created when missing)`);
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) === 0) return { created: false };
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (error) {
    if (options.keepIfNotOwner && isErrno(error, 'EPERM')) return { created: false };
    throw error;
  }
  return { created: false, tightenedFrom: mode };
}

/** SQLite's companion files: it creates them with the main file's mode (unix VFS `findCreateFileMode`). */
const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Makes `filename` a 0600 SQLite file before better-sqlite3 opens it: creates
 * it empty (SQLite treats a 0-byte file as a new database) or tightens it, and
 * any `-wal`/`-shm`/`-journal` left beside it. SQLite gives the `-wal` and
 * `-shm` it creates later the main file's mode, so they are 0600 too.
 * `:memory:` and `''` (temporary databases) have no file.
 */
export function preparePrivateSqliteFile(filename: string): void {
  if (filename === ':memory:' || filename === '') return;
  mkdirSync(dirname(filename), { recursive: true, mode: PRIVATE_DIR_MODE });
  closeSync(openSync(filename, 'a', PRIVATE_FILE_MODE));
  chmodSync(filename, PRIVATE_FILE_MODE);
  for (const suffix of SQLITE_COMPANIONS) {
    if (existsSync(filename + suffix)) chmodSync(filename + suffix, PRIVATE_FILE_MODE);
  }
}

/** A temp file beside `path`, unique to this process and call: written, then renamed or linked into place. */
export const tempPathFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

async function writeTemp(path: string, content: string): Promise<string> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // open()'s mode is filtered by the umask; make it exact.
  await chmod(temp, PRIVATE_FILE_MODE);
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
