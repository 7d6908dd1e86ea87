// Tiers by file name (style.md): *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
// @swc/jest transpiles only; `npm run typecheck` is the type gate.
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

/** ESM-only dependencies Jest must compile (a nested node_modules under one of them included). */
const ESM_PACKAGES = 'openid-client-6|oauth4webapi';

const moduleNameMapper = {
  '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@app/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  // The workspace package, from its sources (its dist is built for npm consumers only).
  '^@refresh-token-service/revocation-events$': '<rootDir>/packages/revocation-events/src',
};
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    // ESM-only packages some suites import: openid-client 6 (the compatibility suite's `openid-client-6`),
    // its oauth4webapi and its own jose 6 (nested under it), compiled to CommonJS like our sources.
    [`/node_modules/(${ESM_PACKAGES})/.+\\.js$`]: ['@swc/jest', swc],
  },
  transformIgnorePatterns: [`^(?!.*/node_modules/(${ESM_PACKAGES})/).*/node_modules/`],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/.build/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/[^/]+/dist/', '<rootDir>/.build/'],
};
// Int and e2e tests start processes and servers; on a loaded 2-core machine 5 s (Jest's default) cut
// honest tests short. Each test still bounds its own waits.
module.exports = {
  testTimeout: 30_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['**/*.int.spec.ts'], globalSetup: '<rootDir>/test/global-setup.js', globalTeardown: '<rootDir>/test/global-teardown.js' },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'], globalSetup: '<rootDir>/test/global-setup.js', globalTeardown: '<rootDir>/test/global-teardown.js' },
  ],
};
