/**
 * DATA_DIR on disk, through the real token-service entry point run as a
 * process (issue 8, item 9): owner-only modes of every file it writes, and one
 * token-service per DATA_DIR.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntryProcess } from '../../tools/support/entry-process';
import { freePort, tempDir } from '../support/token-service';

jest.setTimeout(90_000);

const mode = (path: string): string => `0${(statSync(path).mode & 0o777).toString(8)}`;

/** Every file and directory under `dir` (relative path → mode). */
function modesUnder(dir: string, prefix = ''): Record<string, string> {
  const modes: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    modes[prefix + entry.name + (entry.isDirectory() ? '/' : '')] = mode(path);
    if (entry.isDirectory()) Object.assign(modes, modesUnder(path, `${prefix}${entry.name}/`));
  }
  return modes;
}

async function startTokenServiceProcess(dataDir: string): Promise<EntryProcess> {
  const unset = { MANAGEMENT_CLIENT_ID: undefined, MANAGEMENT_CLIENT_SECRET: undefined, EVENTSTORE_CONNECTION_STRING: undefined, KAFKA_BROKERS: undefined };
  // One ISSUER for every start on this DATA_DIR (it would follow the port otherwise, and a changed ISSUER stops a start).
  const issuer = 'http://localhost:3999/';
  return new EntryProcess('token-service', { ...unset, ISSUER: issuer, PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', EVENT_STORE: 'sqlite', EMBEDDED_RELAY: 'true' });
}

describe('DATA_DIR of a token-service process (sqlite)', () => {
  const root = tempDir('data-dir-e2e-');
  const dataDir = join(root, 'data'); // does not exist yet: the service creates it
  const processes: EntryProcess[] = [];
  let previousUmask: number;
  let first: EntryProcess;

  beforeAll(() => {
    // The usual default umask, under which files would be 0644 and directories 0755.
    previousUmask = process.umask(0o022);
  });
  afterAll(async () => {
    for (const p of processes) await p.stop('SIGKILL');
    process.umask(previousUmask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates DATA_DIR 0700 and every file in it 0600, each SQLite file with its -wal and -shm, under umask 022', async () => {
    first = await startTokenServiceProcess(dataDir);
    processes.push(first);
    await first.waitForOutput(/listening on/);

    const modes = modesUnder(dataDir);
    expect(mode(dataDir)).toBe('0700');
    for (const name of ['events.sqlite', 'events.sqlite-wal', 'events.sqlite-shm', 'read-model.sqlite', 'read-model.sqlite-wal', 'read-model.sqlite-shm', 'relay.sqlite', 'relay.sqlite-wal', 'relay.sqlite-shm', 'token-service.lock', 'revocation-relay.lock']) {
      expect(modes).toHaveProperty([name]);
    }
    const loose = Object.entries(modes).filter(([name, m]) => m !== (name.endsWith('/') ? '0700' : '0600'));
    expect(loose).toEqual([]);
  });

  it('refuses a second token-service on the same DATA_DIR: exits non-zero naming the pid that holds it', async () => {
    const second = await startTokenServiceProcess(dataDir);
    processes.push(second);

    expect(await second.exitCode()).not.toBe(0);
    expect(second.output).toContain(`pid ${first.pid}`);
    expect(second.output).toMatch(/DATA_DIR .* is in use by another token-service/);
    expect(first.running).toBe(true);
  });

  it('starts over a lock left by a killed process (dead pid), and tightens a DATA_DIR left open to others, with a warning', async () => {
    await first.stop('SIGKILL');
    const lockFile = join(dataDir, 'token-service.lock');
    expect(existsSync(lockFile)).toBe(true);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.pid });
    chmodSync(dataDir, 0o755);

    const third = await startTokenServiceProcess(dataDir);
    processes.push(third);
    await third.waitForOutput(/listening on/);

    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: third.pid });
    expect(mode(dataDir)).toBe('0700');
    expect(third.output).toContain('DATA_DIR was open to group or others; tightened to 0700');
    expect(await third.stop('SIGTERM')).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('refuses a DATA_DIR that names an existing file before changing anything: the file keeps its mode', async () => {
    const file = join(root, 'notes.txt');
    writeFileSync(file, 'not a data directory\n');
    chmodSync(file, 0o644);
    const started = await startTokenServiceProcess(file);
    processes.push(started);

    expect(await started.exitCode()).not.toBe(0);
    expect(started.output).toContain(`DATA_DIR ${file} is not a directory`);
    expect(mode(file)).toBe('0644');
    expect(readFileSync(file, 'utf8')).toBe('not a data directory\n');
  });
});
