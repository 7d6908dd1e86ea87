// Builds the administration page (apps/admin-page/src) into dist/admin-page
// (or `--outdir DIR`: tools/build/atomic-build.mjs builds it into its staging tree):
// one JS bundle and one stylesheet with content hashes in their names, and
// index.html pointing at them. token-service serves that directory at /admin.
// Run by `npm run build`; the browser tests call it too.
import { build } from 'esbuild';
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
  const html = readFileSync(join(here, 'src', 'index.html'), 'utf8')
    .replace('{{script}}', `/admin/assets/${script}`)
    .replace('{{style}}', `/admin/assets/${style}`);
  writeFileSync(join(outdir, 'index.html'), html);
  return { outdir, files: ['index.html', ...outputs.map((f) => `assets/${f}`)] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--outdir');
  const { outdir: dir, files } = await buildAdminPage(flag >= 0 ? process.argv[flag + 1] : undefined);
  console.log(`admin page built in ${dir}: ${files.join(', ')}`);
}
