/**
 * Issue 8 items 3 and 4: settings that would open a hole stop the real entry
 * point (`main.ts`, run from source through ts-register) with exit 78 and a
 * message on stderr that says what to do, before anything listens.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/token-service';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const dataDir = tempDir();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env };
  delete childEnv.KAFKA_BROKERS;
  try {
    await run(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'apps/token-service/src/main.ts')], {
      cwd: ROOT,
      env: childEnv,
      timeout: 60_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('start-up refusals (node main.ts)', () => {
  it('refuses TRUST_PROXY=true: exit 78, the message says the client would choose its own IP', async () => {
    const { code, stderr } = await start({ TRUST_PROXY: 'true' });
    expect(code).toBe(78);
    expect(stderr).toMatch(/TRUST_PROXY: true trusts every X-Forwarded-For hop, so a client could choose its own IP and rate-limit key/);
  }, 60_000);

  it('refuses TRUST_PROXY lists that cover every address (0.0.0.0/0, ::/0, 0.0.0.0/1,128.0.0.0/1) by name, without a stack trace', async () => {
    for (const value of ['0.0.0.0/0', '::/0', '0.0.0.0/1,128.0.0.0/1']) {
      const { code, stderr } = await start({ TRUST_PROXY: value });
      expect(code).toBe(78);
      expect(stderr).toMatch(/TRUST_PROXY: a list covering every address .* so a client could choose its own IP/);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('refuses a MANAGEMENT_CLIENT_SECRET shorter than 32 characters: exit 78, the message names the minimum', async () => {
    const { code, stderr } = await start({ MANAGEMENT_CLIENT_ID: 'admin', MANAGEMENT_CLIENT_SECRET: 'correct-horse-battery' });
    expect(code).toBe(78);
    expect(stderr).toMatch(/MANAGEMENT_CLIENT_SECRET must be at least 32 characters/);
    expect(stderr).not.toContain('correct-horse-battery');
  }, 60_000);
});
