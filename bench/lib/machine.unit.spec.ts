import { idleVerdict, otherCpuSeconds, parseStat, type ProcessCpu } from './machine';

const proc = (pid: number, ppid: number, ticks: number, command = `p${pid}`): [number, ProcessCpu] => [pid, { pid, ppid, command, ticks, ownTicks: ticks }];

describe('parseStat', () => {
  it('reads pid, parent, command and utime + stime + cutime + cstime, even with spaces and parentheses in the command', () => {
    const line = '4242 (node (jest) x) S 17 4242 17 0 -1 4194304 98 0 0 0 150 25 300 7 20 0 1 0 77131 2998272 382';
    expect(parseStat(line)).toEqual({ pid: 4242, ppid: 17, command: 'node (jest) x', ticks: 150 + 25 + 300 + 7, ownTicks: 150 + 25 });
  });

  it('gives undefined for a line that is not a stat line', () => {
    expect(parseStat('garbage')).toBeUndefined();
  });
});

describe('otherCpuSeconds', () => {
  it('counts the growth of others and all of a newcomer, leaving out the bench and its descendants', () => {
    const before = new Map([proc(1, 0, 1000), proc(10, 1, 500), proc(20, 10, 0), proc(30, 1, 100)]);
    const after = new Map([proc(1, 0, 1000), proc(10, 1, 900), proc(20, 10, 400), proc(21, 20, 300), proc(30, 1, 350), proc(40, 1, 50)]);
    expect(otherCpuSeconds(before, after, 10)).toEqual([
      { command: 'p30', pid: 30, seconds: 2.5 },
      { command: 'p40', pid: 40, seconds: 0.5 },
    ]);
  });
});

describe('idleVerdict', () => {
  const quiet = { cores: 2, loadAtStart: 0.3, otherCpu: [{ command: 'sshd', pid: 5, seconds: 1 }], elapsedSeconds: 600, quick: false };

  it('calls a quiet run a figure of record', () => {
    expect(idleVerdict(quiet)).toEqual({ figureOfRecord: true, reasons: [] });
  });

  it('refuses a start above 0.5 load per core, saying what it saw', () => {
    const verdict = idleVerdict({ ...quiet, loadAtStart: 2.78 });
    expect(verdict.figureOfRecord).toBe(false);
    expect(verdict.reasons).toEqual(['load average 2.78 at the start, above 0.5 per core (1.00 on 2 cores)']);
  });

  it('refuses a run during which another process used more than 5 % of a core, naming it', () => {
    const verdict = idleVerdict({ ...quiet, otherCpu: [{ command: 'jest', pid: 77, seconds: 90 }] });
    expect(verdict.figureOfRecord).toBe(false);
    expect(verdict.reasons[0]).toMatch(/^other processes used 90.0 CPU s in 600 s \(15 % of a core, above 5 %\): jest \(pid 77\) 90.0 s$/);
  });

  it('never calls a quick run a figure of record', () => {
    expect(idleVerdict({ ...quiet, quick: true }).figureOfRecord).toBe(false);
  });
});
