/**
 * Replay over a large log on the embedded default (SQLite).
 *
 *   npm run bench:audit                          # 1,000,000 events, every phase, human output
 *   npm run bench:audit -- --events 200000 --keep
 *   node dist/bench/audit-replay.js --phase verify --dir D --json   # one phase (what `npm run bench` does)
 *
 * Phases (`--phase`, default all, each printable as one JSON line with `--json`):
 * - generate: a log of N events (bench/lib/event-log-generator.ts; `--revocations`
 *   is the share of revocations, default 0.4) in DIR/events.sqlite;
 * - scan: the ceiling of a replay, every row read and its JSON parsed, nothing else;
 * - rebuild: the "live" read model, DIR/<read model>, with the credentials lib's rebuild();
 * - verify: audit verify(): hash chain, fresh replay into a scratch read model, row-by-row comparison.
 * `npm run bench` runs each phase in a process of its own, so each peak RSS is that phase's.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { verify } from '@app/audit';
import { READ_MODEL_FILE_NAME, rebuild } from '@app/read-model';
import { SqliteEventStore } from '@app/event-store';
import { generateEventLog } from './lib/event-log-generator';

export type ReplayPhase = 'generate' | 'scan' | 'rebuild' | 'verify';

/** What one phase prints with `--json`. */
export interface PhaseResult {
  phase: ReplayPhase;
  events: number;
  seconds: number;
  /** Peak RSS of this process, bytes. */
  maxRss: number;
  validCredentials?: number;
  /** rebuild: bytes of the read-model file (with its -wal). */
  readModelBytes?: number;
  ok?: boolean;
}

const LOG_INFO = 'bench-log.json';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    revocations: { type: 'string', default: '0.4' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    phase: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
    'scratch-in-memory': { type: 'boolean', default: false },
  },
});

const seconds = (start: number): number => (performance.now() - start) / 1000;
const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')} events/s`;
const maxRss = (): number => process.resourceUsage().maxRSS * 1024;
const fileBytes = (file: string): number => [file, `${file}-wal`].reduce((sum, f) => sum + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);

async function runPhase(phase: ReplayPhase, dataDir: string): Promise<PhaseResult> {
  const eventsFile = join(dataDir, 'events.sqlite');
  const readModelFile = join(dataDir, READ_MODEL_FILE_NAME);
  const start = performance.now();
  if (phase === 'generate') {
    const total = Number(values.events);
    if (!Number.isSafeInteger(total) || total < 1000) throw new Error('--events must be an integer >= 1000');
    const log = generateEventLog(eventsFile, total, Number(values.revocations));
    writeFileSync(join(dataDir, LOG_INFO), JSON.stringify(log));
    return { phase, events: log.events, validCredentials: log.validCredentials, seconds: seconds(start), maxRss: maxRss() };
  }
  if (phase === 'scan') {
    const db = new Database(eventsFile, { readonly: true });
    let events = 0;
    try {
      for (const row of db.prepare<[], { data: string; metadata: string }>('SELECT position, event_id, stream_id, revision, type, data, metadata, prev_hash, hash FROM events ORDER BY position').iterate()) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
        events++;
      }
    } finally {
      db.close();
    }
    return { phase, events, seconds: seconds(start), maxRss: maxRss() };
  }
  const store = new SqliteEventStore({ filename: eventsFile, pageSize: 5000 });
  try {
    if (phase === 'rebuild') {
      const live = await rebuild(store, readModelFile, { overwrite: true });
      live.readModel.close();
      const elapsed = seconds(start);
      const log = JSON.parse(readFileSync(join(dataDir, LOG_INFO), 'utf8')) as { validCredentials: number };
      return { phase, events: live.events, seconds: elapsed, maxRss: maxRss(), readModelBytes: fileBytes(readModelFile), validCredentials: log.validCredentials };
    }
    const report = await verify(store, { readModelFilename: readModelFile, ...(values['scratch-in-memory'] && { scratchFilename: ':memory:' }) });
    return { phase, events: report.chain.events, seconds: seconds(start), maxRss: maxRss(), ok: report.ok };
  } finally {
    await store.close();
  }
}

function describe(result: PhaseResult): string {
  const mb = `${Math.round(result.maxRss / 1e6)} MB peak RSS`;
  const base = `${result.phase}: ${result.events.toLocaleString('en-US')} events in ${result.seconds.toFixed(1)} s (${rate(result.events, result.seconds)}); ${mb}`;
  if (result.phase === 'rebuild') return `${base}; read model ${Math.round((result.readModelBytes ?? 0) / 1e6)} MB for ${result.validCredentials?.toLocaleString('en-US')} valid credentials`;
  if (result.phase === 'verify') return `${base}; ok=${result.ok}`;
  return base;
}

async function main(): Promise<void> {
  const phases: ReplayPhase[] = values.phase === 'all' ? ['generate', 'scan', 'rebuild', 'verify'] : [values.phase as ReplayPhase];
  if (!phases.every((p) => ['generate', 'scan', 'rebuild', 'verify'].includes(p))) throw new Error(`unknown --phase ${values.phase}`);
  const dataDir = values.dir ?? mkdtempSync(join(tmpdir(), 'audit-bench-'));
  if (!values.json) console.log(`audit replay bench in ${dataDir} (node ${process.version})`);
  try {
    for (const phase of phases) {
      const result = await runPhase(phase, dataDir);
      console.log(values.json ? JSON.stringify(result) : describe(result));
      if (result.ok === false) process.exitCode = 1;
    }
  } finally {
    if (!values.keep && !values.dir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
