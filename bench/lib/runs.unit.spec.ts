import type { LoadResult } from './load';
import { combineRuns, interleaved, median } from './runs';

const result = (value: number, over: Partial<LoadResult> = {}): LoadResult => ({ value, p50: value / 100, p99: value / 10, total: value * 10, failures: 0, ...over });

describe('bench runs', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('combines runs into medians of rate and latencies, summed totals and failures, and the highest peak RSS', () => {
    const combined = combineRuns([result(100, { failures: 1, peakRss: 5 }), result(300, { peakRss: 9 }), result(200, { failures: 2 })]);

    expect(combined).toEqual({ value: 200, p50: 2, p99: 20, total: 6000, failures: 3, peakRss: 9 });
  });

  it('leaves the peak RSS and the CPU per answer out when no run sampled them', () => {
    expect(combineRuns([result(1)])).not.toHaveProperty('peakRss');
    expect(combineRuns([result(1)])).not.toHaveProperty('cpuPerAnswerUs');
  });

  it('takes the median CPU per answer of the runs that measured it', () => {
    expect(combineRuns([result(1, { cpuPerAnswerUs: 300 }), result(2, { cpuPerAnswerUs: 100 }), result(3)]).cpuPerAnswerUs).toBe(200);
  });

  it('alternates ours and the ceiling, run after run', async () => {
    const order: string[] = [];
    const run = (name: string, value: number) => async () => {
      order.push(name);
      return result(value);
    };

    const { ours, ceiling } = await interleaved(2, run('ours', 10), run('ceiling', 20));

    expect(order).toEqual(['ours', 'ceiling', 'ours', 'ceiling']);
    expect([ours.value, ceiling.value]).toEqual([10, 20]);
  });
});
