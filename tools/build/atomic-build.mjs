#!/usr/bin/env node
// Builds without ever showing a half-built tree to a concurrent reader
// (`npm run audit` beside `npm start`, two CLIs at once).
//
//   node tools/build/atomic-build.mjs            the workspace package, then the apps and the
//                                                admin page: built into .build/<id>/, then
//                                                `dist`, a symlink, is repointed with one rename(2)
//   node tools/build/atomic-build.mjs --if-changed
//                                                the same, unless `dist` already holds a build of
//                                                these very sources and configuration (fingerprint.mjs):
//                                                `npm start` and the CLIs' scripts start at once then
//   node tools/build/atomic-build.mjs --check     builds nothing: exit 0 when dist is up to date, 1 when not
//   node tools/build/atomic-build.mjs --package <dir>
//                                                one workspace package into <dir>/dist (a real
//                                                directory, as npm packs it): built beside it,
//                                                then swapped in by two renames
//
// rename(2) over an existing symlink is atomic: a reader resolves `dist` either
// to the old complete build or to the new one. A running process holds real
// paths into .build/<id>/ (Node resolves symlinks), so the previous builds are
// kept (KEEP) for processes started before the swap; older ones are removed.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { sourceFingerprint } from './fingerprint.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Written into each build: the fingerprint of what it was built from. */
const FINGERPRINT_FILE = '.fingerprint';
const BIN = join(ROOT, 'node_modules', '.bin');
const KEEP = 3;
const id = `${new Date().toISOString().replace(/[-:.TZ]/g, '')}-${process.pid}`;

function tsc(...args) {
  execFileSync(join(BIN, 'tsc'), args, { cwd: ROOT, stdio: 'inherit' });
}

/** One workspace package: tsc into a sibling directory, then swap it in as <dir>/dist. */
function buildPackage(dir) {
  const pkg = resolve(dir);
  const staging = join(pkg, `.dist-${id}`);
  const old = join(pkg, `.dist-old-${id}`);
  try {
    tsc('-p', join(pkg, 'tsconfig.json'), '--outDir', staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const dist = join(pkg, 'dist');
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
}

/** Whether `dist` is a complete build of exactly these sources (and the SDK package's dist exists). */
function upToDate(fingerprint) {
  const dist = join(ROOT, 'dist');
  if (!existsSync(dist) || !lstatSync(dist).isSymbolicLink()) return false;
  if (!existsSync(join(ROOT, 'packages', 'revocation-events', 'dist'))) return false;
  const file = join(ROOT, readlinkSync(dist), FINGERPRINT_FILE);
  return existsSync(file) && readFileSync(file, 'utf8') === fingerprint;
}

/** The apps and libs (tsconfig.build.json): .build/<id>/, then `dist` → it. */
function buildApps(fingerprint) {
  const builds = join(ROOT, '.build');
  const out = join(builds, id);
  mkdirSync(builds, { recursive: true });
  try {
    tsc('-p', 'tsconfig.build.json', '--outDir', out);
    execFileSync(join(BIN, 'tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', out], { cwd: ROOT, stdio: 'inherit' });
    const adminPage = join(ROOT, 'apps', 'admin-page', 'build.mjs');
    if (existsSync(adminPage)) execFileSync(process.execPath, [adminPage, '--outdir', join(out, 'admin-page')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    // Last: a build that failed half-way has no fingerprint, so it never counts as up to date.
    writeFileSync(join(out, FINGERPRINT_FILE), fingerprint);
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    throw error;
  }
  const dist = join(ROOT, 'dist');
  if (existsSync(dist) && !lstatSync(dist).isSymbolicLink()) {
    // A dist/ directory from before this script: moved aside once, then removed.
    const legacy = join(builds, `legacy-${id}`);
    renameSync(dist, legacy);
    rmSync(legacy, { recursive: true, force: true });
  }
  const link = join(ROOT, `.dist-link-${id}`);
  symlinkSync(join('.build', id), link, 'dir');
  renameSync(link, dist);
  prune(builds, readlinkSync(dist));
}

/** Keeps the KEEP newest builds (the current one always), removes the rest. */
function prune(builds, current) {
  const entries = readdirSync(builds)
    .map((name) => ({ name, path: join(builds, name) }))
    .filter(({ path }) => statSync(path).isDirectory())
    .sort((a, b) => statSync(b.path).mtimeMs - statSync(a.path).mtimeMs);
  for (const [index, { name, path }] of entries.entries()) {
    if (index >= KEEP && join('.build', name) !== current) rmSync(path, { recursive: true, force: true });
  }
}

const packageFlag = process.argv.indexOf('--package');
try {
  if (packageFlag >= 0) {
    buildPackage(process.argv[packageFlag + 1] ?? '.');
  } else {
    // Taken before compiling: a source edited during the build makes the next start build again.
    const fingerprint = sourceFingerprint(ROOT);
    if (process.argv.includes('--check')) {
      const current = upToDate(fingerprint);
      process.stderr.write(`build: dist/ is ${current ? 'up to date' : 'out of date'}\n`);
      process.exit(current ? 0 : 1);
    }
    if (process.argv.includes('--if-changed') && upToDate(fingerprint)) {
      process.stderr.write('build: dist/ is up to date (no source or configuration changed)\n');
    } else {
      buildPackage(join(ROOT, 'packages', 'revocation-events'));
      buildApps(fingerprint);
    }
  }
} catch (error) {
  // The compilers already printed why; the previous build stays in place.
  process.stderr.write(`build failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); dist/ still holds the previous build\n`);
  process.exit(1);
}
