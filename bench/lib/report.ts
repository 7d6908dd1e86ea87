/**
 * The suite's one table: each figure beside the ceiling measured in the same
 * run, their ratio, and latency percentiles where there are any. Pure, so the
 * arithmetic and the layout are unit-tested (report.unit.spec.ts).
 */

/** One measured quantity. `p50`/`p99` in milliseconds, for load figures. */
export interface Figure {
  value: number;
  p50?: number;
  p99?: number;
}

export interface BenchRow {
  /** Suite that produced it (`delegation`, `issuance`, ...), the `--only` name. */
  suite: string;
  /** What was measured, e.g. `POST /delegation ES256`. */
  name: string;
  /** Unit of `value`: `req/s`, `events/s`, `ms`, `MB`, `bytes`. */
  unit: string;
  /** Whether a larger value is better (throughput) or worse (time, memory). */
  higherIsBetter: boolean;
  ours: Figure;
  /** The same-run ceiling (bare route, raw SQLite); absent when there is none. */
  ceiling?: Figure;
  /** What the ceiling is, shown under the table. */
  ceilingIs?: string;
  /** The target, as text (`>= 0.9x ceiling`, `< 10 s`). */
  target?: string;
  /** Anything the reader needs (errors, sizes). */
  note?: string;
}

/**
 * ours / ceiling, oriented so that 1.0 means "as good as the ceiling" and
 * less means worse: throughput ours/ceiling, time and memory ceiling/ours.
 * Undefined when there is no ceiling or a zero makes it meaningless.
 */
export function ratio(row: Pick<BenchRow, 'ours' | 'ceiling' | 'higherIsBetter'>): number | undefined {
  if (!row.ceiling) return undefined;
  const [num, den] = row.higherIsBetter ? [row.ours.value, row.ceiling.value] : [row.ceiling.value, row.ours.value];
  if (!(den > 0) || !(num >= 0)) return undefined;
  return num / den;
}

/** `1234.5` → `1,235`; small values keep up to two decimals (`0.42`, `12.3`). */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

function formatFigure(figure: Figure | undefined, unit: string): string {
  if (!figure) return '—';
  return `${formatNumber(figure.value)} ${unit}`;
}

function formatLatency(figure: Figure | undefined): string {
  if (!figure || figure.p50 === undefined || figure.p99 === undefined) return '—';
  return `${formatNumber(figure.p50)} / ${formatNumber(figure.p99)}`;
}

const HEADER = ['suite', 'what', 'ours', 'p50 / p99 ms', 'ceiling', 'p50 / p99 ms', 'ratio', 'target'];

/** The rows as cells, one array per line, header first. */
export function tableCells(rows: readonly BenchRow[]): string[][] {
  return [
    HEADER,
    ...rows.map((row) => {
      const r = ratio(row);
      return [
        row.suite,
        row.name,
        formatFigure(row.ours, row.unit),
        formatLatency(row.ours),
        formatFigure(row.ceiling, row.unit),
        formatLatency(row.ceiling),
        r === undefined ? '—' : `${r.toFixed(2)}×`,
        row.target ?? '',
      ];
    }),
  ];
}

/** A plain-text table, columns padded to their widest cell, numbers right-aligned. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = tableCells(rows);
  const widths = HEADER.map((_, c) => Math.max(...cells.map((line) => [...line[c]].length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const render = (line: string[]): string =>
    line
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c] - [...cell].length);
        return numeric.has(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const [header, ...body] = cells;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const notes = rows
    .filter((row) => row.note)
    .map((row) => `  ${row.suite} / ${row.name}: ${row.note}`);
  return [render(header), rule, ...body.map(render), ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n');
}

/** Nearest-rank percentile of ascending samples (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('no samples');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
