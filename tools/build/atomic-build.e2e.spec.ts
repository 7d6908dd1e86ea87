/**
 * `npm start` builds only when something changed: the real build script on a
 * copy of the repository's sources (its own dist and .build, so the
 * worktree's are not disturbed). After one build, `--if-changed` builds
 * nothing and `dist` stays where it was; a changed source is out of date,
 * a changed spec (not built) is not.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/temp-dir';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const COPIED = ['apps', 'libs', 'packages', 'tools', 'bench', 'examples', 'test', 'tsconfig.json', 'tsconfig.build.json', '.swcrc', 'package.json', 'package-lock.json', 'nest-cli.json'];
const SKIP = /\/(node_modules|dist|\.dist-[^/]*|results|target|\.runtime)(\/|$)/;

describe('the build behind npm start (tools/build/atomic-build.mjs)', () => {
  let copy: string;
  const build = (...args: string[]) => run(process.execPath, [join(copy, 'tools/build/atomic-build.mjs'), ...args], { cwd: copy, maxBuffer: 16 * 1024 * 1024 });

  beforeAll(async () => {
    copy = tempDir('atomic-build-');
    for (const name of COPIED) cpSync(join(ROOT, name), join(copy, name), { recursive: true, filter: (source) => !SKIP.test(source.slice(ROOT.length)) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    await build();
  }, 600_000);
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('with nothing changed, --if-changed builds nothing and dist stays the build it was, within 5 s', async () => {
    const before = readlinkSync(join(copy, 'dist'));
    const builds = readdirSync(join(copy, '.build'));
    const started = Date.now();
    const { stderr } = await build('--if-changed');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stderr).toContain('dist/ is up to date');
    expect(readlinkSync(join(copy, 'dist'))).toBe(before);
    expect(readdirSync(join(copy, '.build'))).toEqual(builds);
    await expect(build('--check')).resolves.toBeDefined();
  });

  it('a changed spec is still up to date (specs are not built); a changed source is not', async () => {
    appendFileSync(join(copy, 'libs/shared/src/text.unit.spec.ts'), '\n// a changed spec\n');
    await expect(build('--check')).resolves.toBeDefined();

    appendFileSync(join(copy, 'libs/shared/src/text.ts'), '\n// a changed source\n');
    await expect(build('--check')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('out of date') });
  });

  it('after a changed source, --if-changed builds again and repoints dist', async () => {
    const before = readlinkSync(join(copy, 'dist'));
    await build('--if-changed');
    expect(readlinkSync(join(copy, 'dist'))).not.toBe(before);
    await expect(build('--check')).resolves.toBeDefined();
  }, 600_000);
});
