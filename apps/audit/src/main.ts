/**
 * The audit CLI (apps/audit): `npm run audit -- <command>`, with the
 * service's environment. Thin: argument parsing and printing live in cli.ts,
 * the audit itself in @app/audit.
 */
import { runCli } from './cli';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`audit: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 3;
  },
);
