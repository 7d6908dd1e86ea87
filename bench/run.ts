/**
 * The benchmark suite (issue 10): `npm run bench` runs every suite and prints
 * one table, each figure beside a ceiling measured in the same run on the
 * same machine, with the ratio (1.00× = as good as the ceiling). Also written
 * as JSON to bench/results/<time>.json.
 *
 *   npm run bench                              # everything, full size (several minutes)
 *   npm run bench -- --quick                   # short runs, small data: about a minute or two
 *   npm run bench -- --only delegation,issuance --alg ES256
 *   npm run bench -- --duration 20 --connections 50 --runs 3 --cpu-prof
 *   npm run bench -- --only delegation --workers 2   # the service as a cluster of 2 workers (WORKERS=2)
 *
 * Suites: delegation (with the refresh grant and the service's RSS), issuance,
 * replay, memory, coldstart, tlog (the verifiable log's tree). Speed is measured here, never asserted in tests.
 * A run calls itself a figure of record only when the machine was idle
 * (lib/machine.ts: load at the start, other processes' CPU over the run);
 * otherwise it says what it saw.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseCommandLine } from '@app/process';
import { idleVerdict, lookAtMachine, otherCpuSeconds } from './lib/machine';
import { formatTable, ratio, type BenchRow } from './lib/report';
import type { Suite, SuiteContext } from './suites/context';
import { delegationSuite } from './suites/delegation';
import { issuanceSuite } from './suites/issuance';
import { coldStartSuite, logDirs, memorySuite, replaySuite } from './suites/replay';
import { rotationSuite } from './suites/rotation';
import { transparencyLogSuite } from './suites/transparency-log';

const SUITES: Record<string, Suite> = {
  delegation: delegationSuite,
  issuance: issuanceSuite,
  rotation: rotationSuite,
  replay: replaySuite,
  memory: memorySuite,
  coldstart: coldStartSuite,
  tlog: transparencyLogSuite,
};
const ALGS = ['RS256', 'ES256', 'EdDSA'] as const;

const USAGE = `usage: npm run bench [-- options]

Runs the benchmark suites and prints one table, each figure beside a ceiling
measured in the same run (ratio 1.00× = as good as the ceiling); the JSON of
the run goes to bench/results/.

options:
  --quick                 short runs, small data (a minute or two; not figures of record)
  --only SUITES           comma-separated: ${Object.keys(SUITES).join(', ')}
  --alg ALGS              comma-separated: ${ALGS.join(', ')} (default all)
  --duration SECONDS      per load run (default 10, --quick 3)
  --connections N         concurrent connections (default 50)
  --runs N                interleaved runs of ours and the ceiling (default 2, --quick 1)
  --events N, --credentials N   size of the replay log and of the read model
  --workers N             the delegation suite's service with WORKERS=N
  --cpu-prof              CPU profiles of the service, in a temporary directory
  --out DIR               where the JSON goes (default bench/results)`;

/** The repository's root (where package-lock.json is), whether this runs from bench/ or from a build under .build/<id>/. */
function repoRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json'))) return dir;
  }
  return process.cwd();
}

function options(): { context: SuiteContext; suites: string[]; out: string } {
  const { values } = parseCommandLine('bench', USAGE, {
    args: process.argv.slice(2),
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      alg: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string', default: '50' },
      runs: { type: 'string' },
      events: { type: 'string' },
      credentials: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      workers: { type: 'string' },
      // Not beside this file: a build under .build/<id>/ is pruned three builds later.
      out: { type: 'string', default: join(repoRoot(__dirname), 'bench', 'results') },
    },
  });
  const quick = values.quick ?? false;
  const suites = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SUITES);
  const unknown = suites.filter((s) => !SUITES[s]);
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  const algs = values.alg ? (values.alg.split(',') as (typeof ALGS)[number][]) : [...ALGS];
  if (!algs.every((a) => ALGS.includes(a))) throw new Error(`--alg takes ${ALGS.join(', ')}`);
  const integer = (text: string | undefined, fallback: number, name: string): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const profileDir = join(tmpdir(), `rts-bench-cpu-prof-${Date.now()}`);
  return {
    suites,
    out: values.out as string,
    context: {
      quick,
      duration: integer(values.duration, quick ? 3 : 10, 'duration'),
      connections: integer(values.connections, 50, 'connections'),
      runs: integer(values.runs, quick ? 1 : 2, 'runs'),
      algs,
      logEvents: integer(values.events, quick ? 100_000 : 1_000_000, 'events'),
      credentials: integer(values.credentials, quick ? 10_000 : 100_000, 'credentials'),
      users: 2000,
      serviceWorkers: integer(values.workers, 1, 'workers'),
      serviceNodeArgs: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      progress: (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
    },
  };
}

async function main(): Promise<void> {
  const { context, suites, out } = options();
  const start = lookAtMachine();
  const machine = { node: process.version, cpus: start.cores, cpu: cpus()[0]?.model ?? 'unknown', loadAverageAtStart: start.load };
  context.progress(`suites ${suites.join(', ')}${context.quick ? ' (quick)' : ''}; node ${machine.node}, ${machine.cpus} cpus, load ${machine.loadAverageAtStart.join(' ')}`);
  if (context.serviceNodeArgs.length > 0) context.progress(`service CPU profiles go to ${context.serviceNodeArgs[1].split('=')[1]}`);
  const rows: BenchRow[] = [];
  const started = new Date();
  try {
    for (const name of suites) rows.push(...(await SUITES[name](context)));
  } finally {
    for (const dir of await logDirs()) rmSync(dir, { recursive: true, force: true });
  }
  const end = lookAtMachine();
  const otherCpu = otherCpuSeconds(start.cpu, end.cpu, process.pid);
  const verdict = idleVerdict({ cores: start.cores, loadAtStart: start.load[0], otherCpu, elapsedSeconds: (end.at - start.at) / 1000, quick: context.quick });
  const idle = { loadAverageAtEnd: end.load, otherCpuSeconds: otherCpu.slice(0, 5), ...verdict };
  const legend = [...new Set(rows.filter((r) => r.ceilingIs).map((r) => `  ${r.suite}: ${r.ceilingIs}`))];
  process.stdout.write(
    [
      `refresh-token-service bench, ${started.toISOString()}${context.quick ? ', QUICK (short runs, small data: not the figures of record)' : ''}`,
      `node ${machine.node}, ${machine.cpus} × ${machine.cpu}, load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${end.load.join(' ')}; ${context.connections} connections, ${context.duration} s per load run, medians of ${context.runs} interleaved run(s) of ours and the ceiling`,
      verdict.figureOfRecord
        ? 'FIGURE OF RECORD: the machine was idle (load at the start and other processes\' CPU over the run below the limits of docs/benchmarks.md)'
        : `NOT A FIGURE OF RECORD (read the ratios only): ${verdict.reasons.join('; ')}`,
      '',
      formatTable(rows),
      '',
      'ratio: ours ÷ ceiling for rates, ceiling ÷ ours for times and sizes (1.00× = as good as the ceiling; lower is worse). Ceilings:',
      ...legend,
      '',
    ].join('\n'),
  );
  mkdirSync(out, { recursive: true });
  const file = join(out, `${started.toISOString().replace(/[:.]/g, '-')}${context.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), quick: context.quick, machine, idle, settings: { ...context, progress: undefined }, rows: rows.map((r) => ({ ...r, ratio: ratio(r) })) }, null, 2)}\n`);
  process.stderr.write(`written to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
