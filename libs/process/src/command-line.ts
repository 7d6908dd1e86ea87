import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '@app/shared';

/** A command-line mistake (unknown option, missing value): the usage is printed with it. */
export const EXIT_USAGE = 2;

/**
 * The command line of an entry point, parsed by `parseArgs` (strict unless
 * `config.strict` says otherwise). `--help` or `-h` anywhere prints `usage` on stdout and exits 0,
 * before anything is opened; a mistake prints one line and the usage on
 * stderr and exits EXIT_USAGE. For the processes and CLIs, never for a lib.
 */
export function parseCommandLine<T extends ParseArgsConfig>(program: string, usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  const args = config.args ?? process.argv.slice(2);
  const text = usage.endsWith('\n') ? usage : `${usage}\n`;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(text);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (error) {
    // Node's own text goes on about `--` and positionals: its first sentence is the mistake.
    process.stderr.write(`${program}: ${messageOf(error).split('. ')[0]}\n${text}`);
    process.exit(EXIT_USAGE);
  }
}
