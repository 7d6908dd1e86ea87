// Test support: lets a child `node` process run the CLI straight from its
// TypeScript sources (`node -r ./apps/audit/src/testing/ts-register.js
// apps/audit/src/main.ts ...`), transpiled by @swc/core as Jest does and with
// the tsconfig path aliases, so the CLI test does not depend on a full build.
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');
const swc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swc.$schema;

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swc, filename, sourceMaps: 'inline', swcrc: false, configFile: false });
  module._compile(code, filename);
};

const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
require('tsconfig-paths').register({ baseUrl: path.join(root, compilerOptions.baseUrl), paths: compilerOptions.paths });
