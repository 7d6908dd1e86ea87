// `node -r ./test/support/ts-register.js some.ts`: runs the TypeScript sources
// directly in a child process, compiled on the fly by @swc/core with the repo's
// .swcrc (the same transform Jest uses), with the `@app/<lib>` path aliases of
// tsconfig.json and the workspace package mapped to its sources. Tests use it to run real processes (the relay app, the audit CLI) that they
// can kill -9, without a `npm run build` step that could go stale.
// No type checking: `npm run typecheck` is the type gate, as for Jest.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

// '@app/<lib>' and '@app/<lib>/<path>' → libs/<lib>/src[/<path>] (tsconfig.json "paths").
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, parent, ...rest) {
  const alias = /^@app\/([a-z-]+)(?:\/(.*))?$/.exec(request);
  if (alias) request = path.join(root, 'libs', alias[1], 'src', alias[2] ?? '');
  // The workspace package, from its sources (as jest.config.js maps it).
  else if (request === '@refresh-token-service/revocation-events') request = path.join(root, 'packages', 'revocation-events', 'src');
  return originalResolve.call(this, request, parent, ...rest);
};

Module._extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcrc, filename, sourceMaps: 'inline', swcrc: false });
  module._compile(code, filename);
};
