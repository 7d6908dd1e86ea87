// Builds the administration page (apps/admin-page/src) into dist/admin-page
// (or `--outdir DIR`: tools/build/atomic-build.mjs builds it into its staging tree):
// one JS bundle, one stylesheet and the favicon with content hashes in their names, and
// index.html pointing at them. token-service serves that directory at /admin.
// Run by `npm run build`; the browser tests call it too.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const defaultOutdir = join(here, '..', '..', 'dist', 'admin-page');

export async function buildAdminPage(outdir = defaultOutdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [join(here, 'src', 'main.ts'), join(here, 'src', 'admin.css')],
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((f) => f.endsWith('.js'));
  const style = outputs.find((f) => f.endsWith('.css'));
  if (!script || !style) throw new Error(`admin page: expected one .js and one .css, got ${outputs.join(', ')}`);
  // The favicon as is (an SVG file, served from this origin under img-src 'self'), content-hashed like the rest.
  const icon = readFileSync(join(here, 'src', 'favicon.svg'));
  const iconName = `favicon-${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
  writeFileSync(join(outdir, 'assets', iconName), icon);
  const html = readFileSync(join(here, 'src', 'index.html'), 'utf8')
    .replace('{{icon}}', `/admin/assets/${iconName}`)
    .replace('{{script}}', `/admin/assets/${script}`)
    .replace('{{style}}', `/admin/assets/${style}`);
  writeFileSync(join(outdir, 'index.html'), html);
  return { outdir, files: ['index.html', ...[...outputs, iconName].map((f) => `assets/${f}`)] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--outdir');
  const { outdir: dir, files } = await buildAdminPage(flag >= 0 ? process.argv[flag + 1] : undefined);
  console.log(`admin page built in ${dir}: ${files.join(', ')}`);
}
