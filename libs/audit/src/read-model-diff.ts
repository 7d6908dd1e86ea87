import { canonicalJson } from '@app/event-store';
import type { ReadModel, ReadModelRow as Row } from '@app/read-model';

/** How a row of the live read model differs from the one a fresh replay of the log produced. */
export type RowDifferenceKind =
  /** The replay has the row, the live model does not. */
  | 'missing_in_live'
  /** The live model has a row no event of the log explains. */
  | 'missing_in_replay'
  /** Both have it, with different values. */
  | 'different';

export interface RowDifference {
  kind: RowDifferenceKind;
  table: string;
  /** Primary-key value of the row. */
  key: string;
  /** Columns whose values differ (every column for a missing row). */
  columns: string[];
  /** The rows, secrets redacted; null on the side that lacks the row. */
  live: Row | null;
  replayed: Row | null;
  message: string;
}

export interface ReadModelComparison {
  equal: boolean;
  /** Rows compared on the live side. */
  rows: number;
  differences: number;
  firstDifference?: RowDifference;
}

/** Columns compared but never printed (invariant 2: a report may end up anywhere). */
const SECRET_COLUMNS = new Set(['client_secret_hash', 'sealed_client_secret']);

/**
 * Compares two read models table by table, rows in primary-key order, as
 * `ReadModel.snapshot()` orders them, but streamed: a merge join over two
 * cursors, so a model of millions of rows is compared in constant memory.
 * Runs synchronously: the caller wraps it in `live.readConsistently` so a
 * concurrent projection cannot tear it.
 */
export function compareReadModels(live: ReadModel, replayed: ReadModel): ReadModelComparison {
  const result: ReadModelComparison = { equal: true, rows: 0, differences: 0 };
  const record = (difference: RowDifference): void => {
    result.equal = false;
    result.differences++;
    result.firstDifference ??= difference;
  };
  for (const table of live.tables()) {
    const { name, primaryKey } = table;
    const left = live.rows(table);
    const right = replayed.rows(table);
    try {
      let a = left.next();
      let b = right.next();
      while (!a.done || !b.done) {
        const order = a.done ? 1 : b.done ? -1 : compareKeys(String(a.value[primaryKey]), String(b.value[primaryKey]));
        if (order < 0) {
          const row = a.value as Row;
          record(missing('missing_in_replay', name, String(row[primaryKey]), row));
          result.rows++;
          a = left.next();
        } else if (order > 0) {
          const row = b.value as Row;
          record(missing('missing_in_live', name, String(row[primaryKey]), row));
          b = right.next();
        } else {
          const difference = compareRows(name, String(a.value[primaryKey]), a.value as Row, b.value as Row);
          if (difference) record(difference);
          result.rows++;
          a = left.next();
          b = right.next();
        }
      }
    } finally {
      left.return?.();
      right.return?.();
    }
  }
  return result;
}

/** SQLite's BINARY collation compares UTF-8 bytes; JS compares UTF-16 units. Agree with SQLite, or the merge join derails. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareRows(table: string, key: string, live: Row, replayed: Row): RowDifference | undefined {
  const columns = [...new Set([...Object.keys(live), ...Object.keys(replayed)])].filter(
    (column) => canonicalJson(live[column]) !== canonicalJson(replayed[column]),
  );
  if (columns.length === 0) return undefined;
  const headMoved = columns.includes('stream_revision') || columns.includes('stream_head_hash');
  const why = headMoved
    ? `its stream head differs (live: revision ${String(live.stream_revision)}, log: revision ${String(replayed.stream_revision)}): events of the stream were removed or changed in the log, or the read model was edited`
    : 'the read model was edited, or the projection diverged from the log';
  return {
    kind: 'different',
    table,
    key,
    columns,
    live: redact(live),
    replayed: redact(replayed),
    message: `${table} ${key}: ${columns.join(', ')} differ${columns.length === 1 ? 's' : ''}; ${why}`,
  };
}

function missing(kind: Exclude<RowDifferenceKind, 'different'>, table: string, key: string, row: Row): RowDifference {
  const message =
    kind === 'missing_in_live'
      ? `${table} ${key}: the log produces this row, the live read model lacks it`
      : `${table} ${key}: the live read model has this row, no event of the log produces it`;
  return {
    kind,
    table,
    key,
    columns: Object.keys(row),
    live: kind === 'missing_in_replay' ? redact(row) : null,
    replayed: kind === 'missing_in_live' ? redact(row) : null,
    message,
  };
}

function redact(row: Row): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) out[column] = SECRET_COLUMNS.has(column) && value !== null ? '[redacted]' : value;
  return out;
}
