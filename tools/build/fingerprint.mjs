// What a build of the apps is made from, as one SHA-256: the sources the
// compilers read (tsconfig.build.json's include, the admin page, the SDK
// package) and what decides how they compile (tsconfigs, .swcrc, package.json,
// package-lock.json). Contents, not times: a checkout that rewrites files
// without changing them keeps the fingerprint. Specs and tests are left out:
// they are not built.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// test/: tools/topology and bench import its support code, so it is compiled too.
const SOURCE_DIRS = ['apps', 'libs', 'packages', 'tools', 'bench', 'examples', 'test'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', '.swcrc', 'package.json', 'package-lock.json', 'nest-cli.json'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'results', 'target', '.runtime']);
const SOURCE_FILE = /\.(ts|tsx|mts|js|mjs|cjs|json|css|html|svg|cfg)$/;
const NOT_BUILT = /\.spec\.ts$/;

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue; // .dist-* staging directories, editor files
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(path);
    } else if (entry.isFile() && SOURCE_FILE.test(entry.name) && !NOT_BUILT.test(entry.name)) {
      yield path;
    }
  }
}

/** The fingerprint of the sources and build configuration under `root`. */
export function sourceFingerprint(root) {
  const hash = createHash('sha256');
  const files = [...CONFIG_FILES.map((name) => join(root, name)).filter((path) => existsSync(path))];
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) files.push(...walk(join(root, dir)));
  for (const path of files) {
    hash.update(relative(root, path));
    hash.update('\0');
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}
