import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/**
 * Is the machine idle enough for a figure of record? Two looks: the load
 * average when the run starts (the bench's own processes add about 2 once it
 * runs, so the load at the end says little) and the CPU time every other
 * process used between start and end, read from /proc (utime + stime plus
 * the children they reaped, so short-lived jobs such as a neighbour's test
 * run count too). Pure parts (otherCpuSeconds, idleVerdict) are unit-tested.
 */

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const TICKS_PER_SECOND = 100;

/** Above this 1-minute load average per core at the start, the run is not a figure of record. */
export const MAX_IDLE_LOAD_PER_CORE = 0.5;
/** Above this share of one core used by other processes over the run, it is not either. */
export const MAX_OTHER_CPU_SHARE = 0.05;

export interface ProcessCpu {
  pid: number;
  ppid: number;
  command: string;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
  /** utime + stime: the process's own. */
  ownTicks: number;
}

/** Parses one /proc/<pid>/stat line (the command may hold spaces and parentheses). */
export function parseStat(line: string): ProcessCpu | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = line.slice(close + 2).split(' ');
  // fields[0] is field 3 (state); utime..cstime are fields 14..17.
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  if (![utime, stime, cutime, cstime].every(Number.isFinite)) return undefined;
  return { pid: Number(line.slice(0, open)), ppid: Number(fields[1]), command: line.slice(open + 1, close), ticks: utime + stime + cutime + cstime, ownTicks: utime + stime };
}

/** CPU seconds one process has used so far (its own, not its children's); undefined where there is no /proc. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return stat === undefined ? undefined : stat.ownTicks / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Every process's CPU time now (empty where there is no /proc). */
export function processCpu(): Map<number, ProcessCpu> {
  const all = new Map<number, ProcessCpu>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return all;
  }
  for (const pid of pids) {
    try {
      const parsed = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (parsed) all.set(parsed.pid, parsed);
    } catch {
      // gone between readdir and read
    }
  }
  return all;
}

/**
 * CPU seconds other processes used between two looks, biggest first: those
 * present in both (their growth) and those that appeared (all their time).
 * `self` and its descendants are the bench's own and left out.
 */
export function otherCpuSeconds(before: ReadonlyMap<number, ProcessCpu>, after: ReadonlyMap<number, ProcessCpu>, self: number): { command: string; pid: number; seconds: number }[] {
  const ours = new Set([self]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of [...before.values(), ...after.values()]) {
      if (ours.has(p.ppid) && !ours.has(p.pid)) {
        ours.add(p.pid);
        grew = true;
      }
    }
  }
  const used: { command: string; pid: number; seconds: number }[] = [];
  for (const p of after.values()) {
    if (ours.has(p.pid)) continue;
    const seconds = (p.ticks - (before.get(p.pid)?.ticks ?? 0)) / TICKS_PER_SECOND;
    if (seconds > 0) used.push({ command: p.command, pid: p.pid, seconds });
  }
  return used.sort((a, b) => b.seconds - a.seconds);
}

export interface IdleVerdict {
  figureOfRecord: boolean;
  /** What made it not one (empty when it is). */
  reasons: string[];
}

/** The rule: a quiet start (load ≤ 0.5 per core) and nobody else using more than 5 % of a core over the run. */
export function idleVerdict(input: { cores: number; loadAtStart: number; otherCpu: readonly { command: string; pid: number; seconds: number }[]; elapsedSeconds: number; quick: boolean }): IdleVerdict {
  const reasons: string[] = [];
  if (input.quick) reasons.push('a --quick run (short runs, small data)');
  if (input.loadAtStart > MAX_IDLE_LOAD_PER_CORE * input.cores) {
    reasons.push(`load average ${input.loadAtStart.toFixed(2)} at the start, above ${MAX_IDLE_LOAD_PER_CORE} per core (${(MAX_IDLE_LOAD_PER_CORE * input.cores).toFixed(2)} on ${input.cores} cores)`);
  }
  const total = input.otherCpu.reduce((sum, p) => sum + p.seconds, 0);
  const share = input.elapsedSeconds > 0 ? total / input.elapsedSeconds : 0;
  if (share > MAX_OTHER_CPU_SHARE) {
    const top = input.otherCpu.slice(0, 3).map((p) => `${p.command} (pid ${p.pid}) ${p.seconds.toFixed(1)} s`);
    reasons.push(`other processes used ${total.toFixed(1)} CPU s in ${input.elapsedSeconds.toFixed(0)} s (${(share * 100).toFixed(0)} % of a core, above ${MAX_OTHER_CPU_SHARE * 100} %): ${top.join(', ')}`);
  }
  return { figureOfRecord: reasons.length === 0, reasons };
}

/** A look at the machine: load averages and every process's CPU time. */
export function lookAtMachine(): { at: number; load: number[]; cpu: Map<number, ProcessCpu>; cores: number } {
  return { at: performance.now(), load: loadavg().map((l) => Number(l.toFixed(2))), cpu: processCpu(), cores: cpus().length };
}
