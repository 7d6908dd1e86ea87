import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotSignedError } from '@app/transparency-log';
import { AUDIT_CHECKPOINTS_TOPIC, CheckpointTopicReader } from '@app/verifiable-log';
import type { Monitor } from './log-commands';

/** The monitor's consumer group, kept in its state: each run goes on from where the last one stopped. */
function groupOf(stateDir: string): string {
  const file = join(stateDir, 'kafka-group');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const group = `audit-monitor-${randomUUID()}`;
  writeFileSync(file, `${group}\n`);
  return group;
}

/**
 * `audit monitor --kafka`: every checkpoint published to the topic, in
 * order, goes through the same check as one fetched over HTTP. Checkpoints
 * of other logs on the topic (not signed by the pinned key) are skipped.
 * With `once`, stops at the end of the topic as it was at the start.
 */
export async function monitorTopic(options: { monitor: Monitor; brokers: string[]; stateDir: string; verifierKey: string | undefined; once: boolean; topic?: string }): Promise<number> {
  const reader = new CheckpointTopicReader(options.brokers, options.topic ?? AUDIT_CHECKPOINTS_TOPIC, groupOf(options.stateDir));
  const backlog = options.once ? await reader.backlog() : [];
  const next = new Map(backlog.map((b) => [b.partition, b.next]));
  const atEnd = (): boolean => options.once && backlog.every((b) => (next.get(b.partition) ?? 0) >= b.end);
  if (options.once && atEnd()) return 0;
  return new Promise<number>((resolve, reject) => {
    let finished = false;
    const finish = (outcome: number | Error): void => {
      if (finished) return;
      finished = true;
      const settle = (): void => (typeof outcome === 'number' ? resolve(outcome) : reject(outcome));
      reader.stop().then(settle, settle);
    };
    reader
      .start(async (note, at) => {
        if (finished) return;
        try {
          const code = await options.monitor.check(options.verifierKey, note);
          if (code !== 0) return finish(code);
        } catch (error) {
          if (!(error instanceof NotSignedError)) return finish(error instanceof Error ? error : new Error(String(error)));
        }
        next.set(at.partition, Number(at.offset) + 1);
        if (atEnd()) finish(0);
      })
      .catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
  });
}
