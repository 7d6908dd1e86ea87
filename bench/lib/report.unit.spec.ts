import { formatNumber, formatTable, percentile, ratio, tableCells, type BenchRow } from './report';

const row = (over: Partial<BenchRow>): BenchRow => ({
  suite: 'delegation',
  name: 'POST /delegation ES256',
  unit: 'req/s',
  higherIsBetter: true,
  ours: { value: 3000, p50: 15, p99: 30 },
  ...over,
});

describe('bench report', () => {
  describe('ratio', () => {
    it('is ours / ceiling for throughput', () => {
      expect(ratio(row({ ours: { value: 3000 }, ceiling: { value: 6000 } }))).toBe(0.5);
    });

    it('is ceiling / ours for times and sizes, so below 1 is always worse', () => {
      expect(ratio(row({ higherIsBetter: false, ours: { value: 40 }, ceiling: { value: 10 } }))).toBe(0.25);
    });

    it('is undefined without a ceiling or when the divisor is zero', () => {
      expect(ratio(row({ ceiling: undefined }))).toBeUndefined();
      expect(ratio(row({ ceiling: { value: 0 } }))).toBeUndefined();
      expect(ratio(row({ higherIsBetter: false, ours: { value: 0 }, ceiling: { value: 5 } }))).toBeUndefined();
    });
  });

  describe('formatNumber', () => {
    it('groups thousands without decimals, keeps decimals for small values', () => {
      expect(formatNumber(1234.5)).toBe('1,235');
      expect(formatNumber(12.345)).toBe('12.3');
      expect(formatNumber(0.4567)).toBe('0.46');
    });
  });

  describe('formatTable', () => {
    it('prints ours, its latencies, the ceiling, its latencies, the ratio and the target on one line', () => {
      const cells = tableCells([row({ ceiling: { value: 6000, p50: 7, p99: 12 }, target: '>= 0.9×' })]);

      expect(cells[1]).toEqual(['delegation', 'POST /delegation ES256', '3,000 req/s', '15 / 30', '6,000 req/s', '7 / 12', '0.50×', '>= 0.9×']);
    });

    it('shows a dash where there is no ceiling or no latency, and lists notes under the table', () => {
      const text = formatTable([row({ suite: 'memory', name: 'read model', unit: 'bytes', higherIsBetter: false, ours: { value: 412 }, note: '1,000,000 credentials' })]);

      const [header, rule, line, , notes, note] = text.split('\n');
      expect(header).toMatch(/^suite\s+what\s+ours/);
      expect(rule).toMatch(/^-+ +-+/);
      expect(line).toMatch(/^memory\s+read model\s+412 bytes\s+—\s+—\s+—\s+—$/);
      expect(notes).toBe('notes:');
      expect(note).toBe('  memory / read model: 1,000,000 credentials');
    });

    it('pads every line of a column to the same width', () => {
      const lines = formatTable([row({}), row({ name: 'x', ours: { value: 5 } })]).split('\n');
      const column = (line: string) => line.indexOf('req/s');
      expect(column(lines[2]) + 'req/s'.length).toBe(column(lines[3]) + 'req/s'.length);
    });
  });

  describe('percentile', () => {
    it('takes the nearest rank', () => {
      const samples = Array.from({ length: 100 }, (_, i) => i + 1);
      expect(percentile(samples, 0.5)).toBe(50);
      expect(percentile(samples, 0.99)).toBe(99);
      expect(percentile([7], 0.99)).toBe(7);
    });

    it('refuses an empty sample', () => {
      expect(() => percentile([], 0.5)).toThrow(RangeError);
    });
  });
});
