import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory under os.tmpdir(). */
export function tempDir(prefix = 'token-service-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
