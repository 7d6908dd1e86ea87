import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@app/shared';
import { DataDirNotOwnedError } from './data-dir';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tempPathFor, type PrivateDirResult } from './private-files';

/** Who holds a DATA_DIR lock (the lock file's content). */
export interface LockHolder {
  role: string;
  pid: number;
  hostname: string;
  startedAt: string;
}

/** Another live process holds the DATA_DIR for this role: the message names it. */
export class DataDirLockedError extends CodedError<'DATA_DIR_LOCKED'> {
  readonly code = 'DATA_DIR_LOCKED' as const;
  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(message);
  }
}

export interface ProcessLock {
  readonly path: string;
  /** Stops the heartbeat and removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

export interface ProcessLockOptions {
  /** How often the holder touches the lock file (ms). Default 5000. */
  heartbeatMs?: number;
  /** A lock not touched for this long is left over from a dead process, whatever host wrote it (ms). Default 30000. */
  staleMs?: number;
}

/** Lock files this process holds: a second start in the same process must not take over its own lock. */
const heldHere = new Set<string>();

/**
 * Takes `<dir>/<role>.lock` for this process, or throws DataDirLockedError
 * naming the holder (pid, host, start time). The file is created atomically
 * (written to a temp file, then link(2), which fails with EEXIST), so a
 * reader never sees it half written. A lock is stale, and taken over, when
 * its pid is dead on this host, when it names this very pid (a restarted
 * container is pid 1 again), or when its holder stopped touching it for
 * `staleMs` (the only test that works across hosts sharing a volume).
 */
export function acquireProcessLock(dir: string, role: string, options: ProcessLockOptions = {}): ProcessLock {
  const path = join(dir, `${role}.lock`);
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const staleMs = options.staleMs ?? 30_000;
  const me: LockHolder = { role, pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  const content = JSON.stringify(me);

  for (let attempt = 0; attempt < 5; attempt++) {
    if (heldHere.has(path)) throw new DataDirLockedError(`${dir} is already in use by ${role} in this process (pid ${process.pid})`, me);
    if (createExclusive(path, content)) return holdLock(path, content, heartbeatMs);
    const found = readLock(path);
    if (found === undefined) continue; // released in between: try again
    if (!isStale(found, staleMs)) {
      const who = found.holder ? `pid ${found.holder.pid} on ${found.holder.hostname}, started ${found.holder.startedAt}` : 'a process whose lock file is unreadable';
      throw new DataDirLockedError(
        `DATA_DIR ${dir} is in use by another ${role} (${who}); stop it first, or remove ${path} if that process is gone`,
        found.holder,
      );
    }
    // Remove the stale lock only if it is still the one judged stale.
    if (readLock(path)?.raw === found.raw) unlinkSync(path);
  }
  throw new DataDirLockedError(`could not take ${path}: other processes keep taking it`, undefined);
}

function holdLock(path: string, content: string, heartbeatMs: number): ProcessLock {
  heldHere.add(path);
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Gone (DATA_DIR removed): nothing to keep alive.
    }
  }, heartbeatMs).unref();
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      heldHere.delete(path);
      if (readLock(path)?.raw === content) unlinkSync(path);
    },
  };
}

function createExclusive(path: string, content: string): boolean {
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temp, PRIVATE_FILE_MODE);
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

interface FoundLock {
  raw: string;
  holder: LockHolder | undefined;
  ageMs: number;
}

function readLock(path: string): FoundLock | undefined {
  try {
    const ageMs = Date.now() - statSync(path).mtimeMs;
    const raw = readFileSync(path, 'utf8');
    return { raw, holder: parseHolder(raw), ageMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string') return undefined;
    return { role: String(value.role), pid: value.pid, hostname: value.hostname, startedAt: String(value.startedAt) };
  } catch {
    return undefined;
  }
}

function isStale(found: FoundLock, staleMs: number): boolean {
  if (found.ageMs > staleMs) return true;
  const holder = found.holder;
  if (!holder || holder.hostname !== hostname()) return false;
  return holder.pid === process.pid || !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, just not ours to signal
  }
}

/**
 * Start-up of a process that owns a DATA_DIR role: the directory made
 * owner-only (0700; a looser existing one is tightened, with a warning),
 * then `<role>.lock` taken. Throws DataDirLockedError naming the holder.
 */
export function claimDataDir(dir: string, role: string, logger: { warn(fields: object, message: string): void }): ProcessLock {
  const { tightenedFrom } = privateDataDir(dir);
  if (tightenedFrom !== undefined) logger.warn({ dataDir: dir, was: `0${tightenedFrom.toString(8)}` }, 'DATA_DIR was open to group or others; tightened to 0700');
  return acquireProcessLock(dir, role);
}

/** ensurePrivateDir, with "not yours" said as such: the process cannot make another user's directory private. */
function privateDataDir(dir: string): PrivateDirResult {
  try {
    return ensurePrivateDir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    const owner = statSync(dir, { throwIfNoEntry: false })?.uid;
    const what =
      owner === undefined
        ? `DATA_DIR ${dir} cannot be created by this user (permission denied)`
        : `DATA_DIR ${dir} belongs to uid ${owner}, not to this user (uid ${process.getuid?.() ?? '?'}), so it cannot be made private (0700)`;
    throw new DataDirNotOwnedError(`${what}: run as its owner, chown it, or set DATA_DIR to a directory of your own`, { cause: error });
  }
}
