import { open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { EventStore } from '@app/event-store';
import {
  AuditError,
  clientHistory,
  exportJsonLines,
  parseInstant,
  stateAt,
  tokenHistory,
  tokenStateAt,
  userHistory,
  verify,
  type HistoryEntry,
  type ProgressReporter,
} from '@app/audit';
import { messageOf } from '@app/shared';
import { PRIVATE_FILE_MODE } from '@app/process';
import { AuditConfigError, loadAuditConfig, openAuditStore, type AuditConfig } from './audit-config';
import { formatExport, formatHistory, formatStateAt, formatTokenValidity, formatVerify } from './format';
import { terminalProgress } from './progress-bar';
import { LOG_USAGE, runLogCommand, verifyStoredCheckpoints } from './log-commands';

/** Exit codes: scripts and CI branch on them. */
export const EXIT = {
  OK: 0,
  /** `verify` found a discrepancy. */
  VERIFY_FAILED: 1,
  /** Bad arguments or environment. */
  USAGE: 2,
  /** The work could not be done (store unreachable, file not writable, ...). */
  FAILURE: 3,
} as const;

export interface CliIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const USAGE = `usage: npm run audit -- <command> [options]

commands:
  history --token ID | --user ID | --client ID [--json]
      the events in log order: time, actor, reason, log position
  state --at ISO-8601 [--user ID | --token ID] [--json]
      the credentials valid at that instant, rebuilt from the log alone;
      with --token: valid or not, and why
  verify [--read-model FILE | --chain-only] [--json]
      replay the whole log: check the hash chain, rebuild a fresh read model
      and compare it with the live one, and the verifiable log's tree with
      every signed checkpoint; exit 0 when all hold, 1 otherwise
  export [--from POSITION] --out FILE|-
      JSON Lines (one event per line, with hash and prev_hash) for a SIEM;
      --from exports the events after that log position (resume point)

environment (as the service): DATA_DIR (default ./data), EVENT_STORE (sqlite|eventstoredb),
EVENTSTORE_CONNECTION_STRING. Exit codes: 0 ok, 1 verify failed, 2 usage, 3 failure.
`;

class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses one command's options strictly (unknown options and stray arguments are usage errors). */
function parse<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}

/** Runs one CLI invocation; resolves with the exit code (never calls process.exit, so tests run it in-process). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout).write(`${USAGE}\n${LOG_USAGE}`);
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const logCommand = await runLogCommand(command, args, io);
  if (logCommand !== undefined) return logCommand;
  let config: AuditConfig;
  let run: (store: EventStore) => Promise<number>;
  try {
    config = loadAuditConfig(io.env);
    run = prepare(command, args, io, config);
  } catch (error) {
    if (error instanceof UsageError || error instanceof AuditConfigError || error instanceof AuditError) {
      io.stderr.write(`audit: ${error.message}\n\n${USAGE}`);
      return EXIT.USAGE;
    }
    throw error;
  }
  let store: EventStore | undefined;
  try {
    store = await openAuditStore(config);
    return await run(store);
  } catch (error) {
    if (error instanceof AuditConfigError) {
      io.stderr.write(`audit: ${error.message}\n`);
      return EXIT.USAGE;
    }
    const code = typeof error === 'object' && error !== null && 'code' in error ? ` [${String(error.code)}]` : '';
    io.stderr.write(`audit: ${command} failed${code}: ${messageOf(error)}\n`);
    return EXIT.FAILURE;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/** Validates the arguments of `command` before anything is opened; returns the work to run. */
function prepare(command: string, args: string[], io: CliIo, config: AuditConfig): (store: EventStore) => Promise<number> {
  const progress: ProgressReporter = terminalProgress(io.stderr);
  const print = (text: string): void => void io.stdout.write(text);
  const json = (value: unknown): void => print(`${JSON.stringify(value, null, 2)}\n`);

  switch (command) {
    case 'history': {
      const v = parse(args, { token: { type: 'string' }, user: { type: 'string' }, client: { type: 'string' }, json: { type: 'boolean' } });
      const chosen = (['token', 'user', 'client'] as const).filter((key) => v[key] !== undefined);
      if (chosen.length !== 1) throw new UsageError('history needs exactly one of --token, --user, --client');
      const key = chosen[0];
      const id = nonEmpty(v[key], `--${key}`);
      return async (store) => {
        let entries: HistoryEntry[];
        if (key === 'token') entries = await tokenHistory(store, id);
        else if (key === 'user') entries = await userHistory(store, id, { progress });
        else entries = await clientHistory(store, id, { progress });
        if (v.json) json({ events: entries });
        else print(formatHistory(`${key === 'token' ? 'credential' : key} ${id}`, entries));
        return EXIT.OK;
      };
    }
    case 'state': {
      const v = parse(args, { at: { type: 'string' }, user: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' } });
      if (v.at === undefined) throw new UsageError('state needs --at ISO-8601');
      if (v.user !== undefined && v.token !== undefined) throw new UsageError('state takes --user or --token, not both');
      const at = parseInstant(v.at);
      if (v.token !== undefined) {
        const token = nonEmpty(v.token, '--token');
        return async (store) => {
          const validity = await tokenStateAt(store, token, at);
          if (v.json) json(validity);
          else print(formatTokenValidity(validity));
          return EXIT.OK;
        };
      }
      const userId = v.user === undefined ? undefined : nonEmpty(v.user, '--user');
      return async (store) => {
        const report = await stateAt(store, at, { userId, progress });
        if (v.json) json(report);
        else print(formatStateAt(report));
        return EXIT.OK;
      };
    }
    case 'verify': {
      const v = parse(args, { 'read-model': { type: 'string' }, 'chain-only': { type: 'boolean' }, json: { type: 'boolean' } });
      if (v['chain-only'] && v['read-model'] !== undefined) throw new UsageError('verify takes --read-model or --chain-only, not both');
      const readModelFilename = v['chain-only'] ? null : (v['read-model'] ?? config.readModelFilename);
      return async (store) => {
        const report = await verify(store, { readModelFilename, progress });
        if (v.json) json(report);
        else print(formatVerify(report));
        // Added step: the verifiable log's signed checkpoints against the tree rebuilt from the log.
        const checkpointsHold = await verifyStoredCheckpoints(store, config.dataDir, (line) => void (v.json ? io.stderr : io.stdout).write(line));
        return report.ok && checkpointsHold ? EXIT.OK : EXIT.VERIFY_FAILED;
      };
    }
    case 'export': {
      const v = parse(args, { from: { type: 'string' }, out: { type: 'string' } });
      if (v.out === undefined) throw new UsageError('export needs --out FILE (or --out - for stdout)');
      const out = nonEmpty(v.out, '--out');
      const after = v.from === undefined ? 0 : position(v.from);
      return async (store) => {
        const toStdout = out === '-';
        const file = toStdout ? io.stdout : await privateWriteStream(out);
        // An unwritable path fails on open: surface it instead of an unhandled 'error'.
        const failed = new Promise<never>((_, reject) => file.once('error', reject));
        failed.catch(() => undefined);
        const result = await Promise.race([exportJsonLines(store, file, { after, progress }), failed]);
        if (!toStdout) {
          file.end();
          await Promise.race([finished(file), failed]);
        }
        io.stderr.write(formatExport(result, after, toStdout ? 'stdout' : out));
        return EXIT.OK;
      };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** The export file, owner-only (0600) like everything in DATA_DIR: created so, or an existing file tightened before the first byte. */
async function privateWriteStream(path: string): Promise<Writable> {
  const handle = await open(path, 'w', PRIVATE_FILE_MODE);
  await handle.chmod(PRIVATE_FILE_MODE);
  return handle.createWriteStream();
}

function nonEmpty(value: string | undefined, name: string): string {
  if (value === undefined || value.trim().length === 0) throw new UsageError(`${name} needs a value`);
  return value;
}

function position(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--from must be a log position (a non-negative integer), not "${text}"`);
  return Number(text);
}
