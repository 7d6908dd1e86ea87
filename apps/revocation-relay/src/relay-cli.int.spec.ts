import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

describe('npm run relay', () => {
  it('refuses a DATA_DIR that does not exist with exit code 78 (EX_CONFIG), and creates nothing there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'relay-cli-'));
    const missing = join(root, 'mistyped');
    try {
      const main = join(ROOT, 'apps', 'revocation-relay', 'src', 'main.ts');
      const outcome = await run(process.execPath, ['-r', join(ROOT, 'test', 'support', 'ts-register.js'), main], {
        env: { ...process.env, DATA_DIR: missing, KAFKA_BROKERS: '' },
      }).catch((error: { code: number; stderr: string }) => error);
      expect(outcome).toMatchObject({ code: 78, stderr: expect.stringContaining(`DATA_DIR ${missing} does not exist`) });
      expect(existsSync(missing)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
