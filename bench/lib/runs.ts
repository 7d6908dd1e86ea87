import type { LoadResult } from './load';

/** Median of the values (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Several runs of one target as one figure: medians of rate and latencies, totals summed, the highest peak RSS. */
export function combineRuns(runs: readonly LoadResult[]): LoadResult {
  const peaks = runs.map((r) => r.peakRss).filter((p): p is number => p !== undefined);
  const cpu = runs.map((r) => r.cpuPerAnswerUs).filter((c): c is number => c !== undefined);
  return {
    value: median(runs.map((r) => r.value)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    total: runs.reduce((sum, r) => sum + r.total, 0),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
    ...(peaks.length > 0 && { peakRss: Math.max(...peaks) }),
    ...(cpu.length > 0 && { cpuPerAnswerUs: median(cpu) }),
  };
}

/**
 * ours, ceiling, ours, ceiling, ... `runs` times each, then the median of
 * each side: a slow minute of a shared machine then weighs on both sides
 * rather than on whichever happened to run in it.
 */
export async function interleaved(runs: number, ours: () => Promise<LoadResult>, ceiling: () => Promise<LoadResult>): Promise<{ ours: LoadResult; ceiling: LoadResult }> {
  const mine: LoadResult[] = [];
  const bare: LoadResult[] = [];
  for (let i = 0; i < runs; i++) {
    mine.push(await ours());
    bare.push(await ceiling());
  }
  return { ours: combineRuns(mine), ceiling: combineRuns(bare) };
}
