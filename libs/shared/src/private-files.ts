import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataDirMissingError } from './data-dir';

/**
 * DATA_DIR holds the credential log, the read model and the keys: owner only.
 * Synchronous on purpose: it runs once at start-up, before anything opens a file.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** What `ensurePrivateDir` found: `tightenedFrom` is the old mode when the directory was looser than 0700. */
export interface PrivateDirResult {
  created: boolean;
  tightenedFrom?: number;
}

/**
 * Creates `dir` (and parents) 0700, or tightens an existing one to 0700 when
 * group or others had any access (the caller logs a warning). Throws when it
 * cannot (not the owner): a looser DATA_DIR is not served; and
 * (DATA_DIR_MISSING) when `dir` exists but is not a directory, touching nothing.
 */
export function ensurePrivateDir(dir: string): PrivateDirResult {
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
  chmodSync(dir, PRIVATE_DIR_MODE);
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
