import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore } from '@app/event-store';
import { toHistoryEntry, type HistoryEntry } from './history-entry';
import type { ProgressReporter } from './progress';
import { scanLog } from './scan';

/**
 * One line of `audit export`: the history entry (no secret, see
 * history-entry.ts) plus where the event sits and its place in the hash chain.
 *
 * `prev_hash` / `hash` let a SIEM check that the lines of a stream link up
 * (each `prev_hash` is the previous line's `hash`) and notice a gap; it cannot
 * recompute `hash`, which covers fields the export leaves out on purpose
 * (secret verifiers). `audit verify` recomputes it.
 */
export interface ExportLine extends HistoryEntry {
  event_id: string;
  stream_id: string;
  revision: number;
  prev_hash: string;
  hash: string;
}

export interface ExportOptions {
  /** Export the events AFTER this log position (exclusive; default 0, the whole log). Pass the last `log_position` already exported to resume. */
  after?: number;
  progress?: ProgressReporter;
}

export interface ExportResult {
  events: number;
  /** log_position of the last line written (`after` when none). */
  lastPosition: number;
}

/**
 * Writes the log as JSON Lines (one event per line, in log order) to `out`,
 * which the caller opens and closes. Constant memory: the store reads page by
 * page and writing waits for `drain` when the destination is slower.
 */
export async function exportJsonLines(store: EventStore, out: Writable, options: ExportOptions = {}): Promise<ExportResult> {
  const after = options.after ?? 0;
  let events = 0;
  let lastPosition = after;
  for await (const event of scanLog(store, { after, progress: options.progress })) {
    const line: ExportLine = {
      ...toHistoryEntry(event),
      event_id: event.id,
      stream_id: event.streamId,
      revision: event.revision,
      prev_hash: event.prevHash,
      hash: event.hash,
    };
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    events++;
    lastPosition = event.position;
  }
  return { events, lastPosition };
}
