import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireProcessLock } from './process-lock';

describe('acquireProcessLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'process-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder of the same role while the first holds it, and hands it over once released', () => {
    const first = acquireProcessLock(dir, 'relay');

    expect(() => acquireProcessLock(dir, 'relay')).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED' }));
    const other = acquireProcessLock(dir, 'token-service');
    first.release();
    const again = acquireProcessLock(dir, 'relay');

    expect(JSON.parse(readFileSync(again.path, 'utf8'))).toMatchObject({ role: 'relay', pid: process.pid, hostname: hostname() });
    again.release();
    other.release();
  });

  it('names a live holder on another host, and takes over its lock once it has not been touched for staleMs', () => {
    const path = join(dir, 'relay.lock');
    writeFileSync(path, JSON.stringify({ role: 'relay', pid: 4242, hostname: 'other-host', startedAt: '2026-01-01T00:00:00.000Z' }));

    expect(() => acquireProcessLock(dir, 'relay', { staleMs: 60_000 })).toThrow(/pid 4242 on other-host, started 2026-01-01T00:00:00.000Z/);
    const old = new Date(Date.now() - 120_000);
    utimesSync(path, old, old);
    const lock = acquireProcessLock(dir, 'relay', { staleMs: 60_000 });

    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });
});
