import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '.build/**', 'packages/*/dist/**', 'node_modules/**', 'coverage/**', 'tools/kafka/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // The domain imports nothing but the language (architecture.md).
    files: ['libs/refresh-tokens/**/*.ts', 'libs/clients/**/*.ts'],
    // secret/: the refresh-token domain's one I/O edge (SHA-256), outside its pure index.
    ignores: ['libs/refresh-tokens/src/secret/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'jose', 'kafkajs', '@eventstore/*', 'better-sqlite3', 'node:*'] }],
    },
  },
  {
    // The pure core every lib may import (the domain included): no file system, no process, no other lib.
    // What touches files and the process is @app/process.
    files: ['libs/shared/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@app/*', '@nestjs/*', 'node:fs', 'node:fs/*', 'node:path', 'node:os', 'node:child_process', 'better-sqlite3'] }],
    },
  },
  {
    // The downstream SDK installs without the service: nothing of the monorepo, no SQLite, no Nest
    // (its package-boundary test checks the built package too). Its tests may use the relay to produce records.
    files: ['packages/revocation-events/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@app/*', '@nestjs/*', 'better-sqlite3', '@eventstore/*', '../../*'] }],
    },
  },
  {
    // DPoP is framework-free: jose and node:crypto, the shared core only.
    files: ['libs/dpop/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', '@app/*', '!@app/shared', 'better-sqlite3', 'ioredis', 'fastify'] }],
    },
  },
  {
    // The example is what a downstream service writes: it uses the SDK package only.
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@app/*', '@nestjs/*', 'better-sqlite3', '../*'] }],
    },
  },
);
