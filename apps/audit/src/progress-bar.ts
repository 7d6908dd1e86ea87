import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { silentProgress, type ProgressReporter } from '@app/audit';

/**
 * cli-progress behind the lib's ProgressReporter, on stderr (stdout carries
 * the answer, often piped). Off when stderr is not a terminal: a bar written
 * to a file or a CI log is noise.
 */
export function terminalProgress(stream: Writable & { isTTY?: boolean }): ProgressReporter {
  if (!stream.isTTY) return silentProgress;
  let bar: SingleBar | undefined;
  let startedAt = 0;
  return {
    start(headPosition) {
      startedAt = performance.now();
      bar = new SingleBar({
        stream,
        format: 'replay {bar} {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      });
      bar.start(Math.max(headPosition, 1), 0, { events: 0, rate: 0 });
    },
    update(position, events) {
      const seconds = (performance.now() - startedAt) / 1000;
      bar?.update(position, { events, rate: seconds > 0 ? Math.round(events / seconds) : 0 });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
