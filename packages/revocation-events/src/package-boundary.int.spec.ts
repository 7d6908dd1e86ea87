/**
 * What a downstream service installs must not drag the service in: the
 * package declares kafkajs, zod and jose only, imports nothing else, and its
 * compiled entry, loaded in a fresh Node process, loads no better-sqlite3,
 * no NestJS and no file of the monorepo's apps or libs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGE = resolve(__dirname, '..');
const ROOT = resolve(PACKAGE, '..', '..');
const ALLOWED = ['jose', 'kafkajs', 'zod'];

const sources = readdirSync(__dirname).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));
const importsOf = (file: string): string[] =>
  [...readFileSync(join(__dirname, file), 'utf8').matchAll(/(?:\bfrom\s+|^\s*import\s+|\brequire\(\s*|\bimport\(\s*)'([^']+)'/gm)].map((m) => m[1] as string);

describe('the revocation-events package boundary', () => {
  it('declares kafkajs, zod and jose as its only dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(ALLOWED);
    expect(manifest.peerDependencies).toBeUndefined();
  });

  it('imports only its own files, Node built-ins and its dependencies', () => {
    expect(sources.length).toBeGreaterThan(3);
    const foreign = sources.flatMap((file) =>
      importsOf(file)
        .filter((spec) => !(spec.startsWith('./') || ALLOWED.includes(spec) || builtinModules.includes(spec.replace(/^node:/, ''))))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(foreign).toEqual([]);
  });

  describe('compiled as npm would ship it', () => {
    let outDir: string;
    beforeAll(async () => {
      const buildRoot = mkdtempSync(join(tmpdir(), 'revocation-events-package-'));
      // Resolves kafkajs, zod and jose as an installed package would (and could resolve better-sqlite3 too, if it asked).
      symlinkSync(join(ROOT, 'node_modules'), join(buildRoot, 'node_modules'), 'dir');
      outDir = join(buildRoot, 'dist');
      await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(PACKAGE, 'tsconfig.json'), '--outDir', outDir], { cwd: ROOT });
    }, 120_000);
    afterAll(() => rmSync(resolve(outDir, '..'), { recursive: true, force: true }));

    it('emits type declarations beside the code', () => {
      expect(existsSync(join(outDir, 'index.js'))).toBe(true);
      expect(readFileSync(join(outDir, 'index.d.ts'), 'utf8')).toContain('RevocationListener');
    });

    it('loads in a fresh process without better-sqlite3, NestJS or any file of the service', async () => {
      const probe = `
        const sdk = require(${JSON.stringify(join(outDir, 'index.js'))});
        process.stdout.write(JSON.stringify({
          exports: Object.keys(sdk),
          loaded: Object.keys(require.cache),
          bindings: process.moduleLoadList.filter((m) => /sqlite/i.test(m)),
        }));`;
      const { stdout } = await run(process.execPath, ['-e', probe], { cwd: tmpdir() });
      const { exports, loaded, bindings } = JSON.parse(stdout) as { exports: string[]; loaded: string[]; bindings: string[] };

      expect(exports).toEqual(expect.arrayContaining(['RevocationListener', 'verifyIdTokenNotRevoked', 'parseRevocationMessage']));
      expect(loaded.some((file) => file.includes(`${join('node_modules', 'kafkajs')}`))).toBe(true);
      const service = loaded.filter((file) => /better-sqlite3|@nestjs|[\\/](apps|libs)[\\/]/.test(file) && !file.startsWith(outDir));
      expect(service).toEqual([]);
      expect(bindings).toEqual([]);
    });
  });
});
