import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** The built page (`npm run build` → apps/admin-page/build.mjs): index.html and content-hashed assets. */
export interface AdminPageFiles {
  html: Buffer;
  assets: ReadonlyMap<string, { body: Buffer; contentType: string }>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * `<repository or image root>/dist/admin-page`, from the sources (tests) as from dist/ (npm start, the image);
 * undefined for a build outside any package (the page is then not served, the API still is).
 */
export function adminPageDir(from: string = __dirname): string | undefined {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return join(dir, 'dist', 'admin-page');
}

/**
 * Reads the built files once, on first use; undefined while the page is not
 * built (the service still starts: the page is optional to the API).
 */
export class AdminPageAssets {
  private files: AdminPageFiles | undefined;

  constructor(private readonly dir: string | undefined = adminPageDir()) {}

  get(): AdminPageFiles | undefined {
    if (this.files) return this.files;
    if (this.dir === undefined) return undefined;
    const index = join(this.dir, 'index.html');
    if (!existsSync(index)) return undefined;
    const assets = new Map<string, { body: Buffer; contentType: string }>();
    for (const name of readdirSync(join(this.dir, 'assets'))) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType) assets.set(name, { body: readFileSync(join(this.dir, 'assets', name)), contentType });
    }
    this.files = { html: readFileSync(index), assets };
    return this.files;
  }
}
