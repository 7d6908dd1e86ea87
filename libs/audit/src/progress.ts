/**
 * How a long replay reports progress, so the lib does not depend on a
 * terminal library (the CLI adapts cli-progress to it; the HTTP API and
 * tests pass nothing).
 *
 * Progress is measured in log positions, not event counts: the head position
 * is known before the scan on both adapters (SQLite positions are row ids,
 * EventStoreDB positions byte offsets), a count is not.
 */
export interface ProgressReporter {
  /** The scan starts; it ends at `headPosition`. */
  start(headPosition: number): void;
  /** The scan reached `position` after reading `events` events. Called every few hundred events, not per event. */
  update(position: number, events: number): void;
  /** The scan ended (normally or not). */
  stop(): void;
}

/** Reports nothing. */
export const silentProgress: ProgressReporter = { start: () => {}, update: () => {}, stop: () => {} };

/** Events between two `update` calls: often enough for a bar, rare enough to cost nothing. */
export const PROGRESS_EVERY = 1000;
