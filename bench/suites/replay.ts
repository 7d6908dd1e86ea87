import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PhaseResult, ReplayPhase } from '../audit-replay';
import { startCeilingProcess, startServiceProcess, waitForStatus } from '../service-process';
import { MB, type Suite, type SuiteContext } from './context';

const run = promisify(execFile);

/** One phase of audit-replay.ts in a process of its own (so its peak RSS is its own). */
async function phase(dir: string, name: ReplayPhase, extra: string[] = []): Promise<PhaseResult> {
  const { stdout } = await run(process.execPath, [join(__dirname, '..', 'audit-replay.js'), '--phase', name, '--dir', dir, '--json', ...extra], { maxBuffer: 16 * MB });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as PhaseResult;
}

/** Logs built by this run, shared by the replay and cold-start suites. */
const logs = new Map<string, Promise<{ dir: string; generated: PhaseResult; rebuilt: PhaseResult }>>();

function builtLog(context: SuiteContext, revocations: number): Promise<{ dir: string; generated: PhaseResult; rebuilt: PhaseResult }> {
  const key = `${context.logEvents}/${revocations}`;
  let built = logs.get(key);
  if (!built) {
    built = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rts-bench-log-'));
      context.progress(`generating a log of ${context.logEvents.toLocaleString('en-US')} events (${revocations * 100} % revocations)`);
      const generated = await phase(dir, 'generate', ['--events', String(context.logEvents), '--revocations', String(revocations)]);
      context.progress('rebuilding the read model');
      const rebuilt = await phase(dir, 'rebuild');
      return { dir, generated, rebuilt };
    })();
    logs.set(key, built);
  }
  return built;
}

/** Temp dirs of the logs, removed by the runner at the end. */
export async function logDirs(): Promise<string[]> {
  return Promise.all([...logs.values()].map(async (log) => (await log).dir));
}

const perSecond = (result: PhaseResult) => result.events / result.seconds;

/** Rebuild and `audit verify` over the log, beside a raw scan of it (every row read, its JSON parsed). */
export const replaySuite: Suite = async (context) => {
  const { dir, rebuilt } = await builtLog(context, 0.4);
  context.progress('scanning the log (ceiling), then verify');
  const scan = await phase(dir, 'scan');
  const verified = await phase(dir, 'verify');
  const events = `${rebuilt.events.toLocaleString('en-US')} events`;
  return [
    { suite: 'replay', name: `rebuild read model, ${events}`, unit: 'events/s', higherIsBetter: true, ours: { value: perSecond(rebuilt) }, ceiling: { value: perSecond(scan) }, ceilingIs: 'raw scan of the log', target: '≥ 100,000/s', note: `${rebuilt.seconds.toFixed(1)} s` },
    { suite: 'replay', name: `audit verify, ${events}`, unit: 'events/s', higherIsBetter: true, ours: { value: perSecond(verified) }, ceiling: { value: perSecond(scan) }, ceilingIs: 'raw scan of the log', target: '≥ 100,000/s', note: `${verified.seconds.toFixed(1)} s, ok=${verified.ok}` },
    { suite: 'replay', name: 'audit verify peak RSS', unit: 'MB', higherIsBetter: false, ours: { value: verified.maxRss / MB }, ceiling: { value: scan.maxRss / MB }, ceilingIs: 'raw scan of the log', target: '< 200 MB' },
  ];
};

/** Read-model bytes per valid credential: a log of issuances only, rebuilt, file size / count. */
export const memorySuite: Suite = async (context) => {
  const { rebuilt } = await builtLog(context, 0);
  const credentials = rebuilt.validCredentials ?? 0;
  return [
    {
      suite: 'memory',
      name: `read model bytes per valid credential, ${credentials.toLocaleString('en-US')}`,
      unit: 'bytes',
      higherIsBetter: false,
      ours: { value: (rebuilt.readModelBytes ?? 0) / credentials },
      note: `read model file ${Math.round((rebuilt.readModelBytes ?? 0) / MB)} MB`,
    },
  ];
};

/**
 * Process start to the first 200 of /health/ready on an existing DATA_DIR
 * holding the log (and its caught-up read model), beside the ceiling
 * process's start to its first answer. A first start, not measured, creates
 * the keys and the bootstrap client, as any deployment's first start does.
 */
export const coldStartSuite: Suite = async (context) => {
  const { dir, generated } = await builtLog(context, 0.4);
  context.progress('cold start: a first start (keys), then the measured one');
  const first = await startServiceProcess({}, { dataDir: dir });
  await waitForStatus(`${first.baseUrl}/health/ready`);
  await first.stop();
  const service = await startServiceProcess({}, { dataDir: dir, nodeArgs: context.serviceNodeArgs });
  const ours = (await waitForStatus(`${service.baseUrl}/health/ready`, 200, 600_000, 2)) - service.spawnedAt;
  await service.stop();
  const ceiling = await startCeilingProcess(dir, {});
  const bare = (await waitForStatus(`${ceiling.baseUrl}/health`, 200, 60_000, 2)) - ceiling.spawnedAt;
  await ceiling.stop();
  return [
    {
      suite: 'coldstart',
      name: `start to first ready answer, ${generated.events.toLocaleString('en-US')} events`,
      unit: 'ms',
      higherIsBetter: false,
      ours: { value: ours },
      ceiling: { value: bare },
      ceilingIs: 'bare Fastify process, start to first answer',
      target: '< 2,000 ms',
    },
  ];
};
