/**
 * TEST DOUBLE — not EventStoreDB. The double's $all subscription: confirmation, events, checkpoints every
 * checkpointIntervalMultiplier × window considered events, one caught_up,
 * then live events (start positions are exclusive).
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { ReadResp, type ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { matchesFilter, type EventLog, type LogFilter } from './event-log';
import type { DoubleFaults, TrackCall } from './streams-service';
import { eventResp, indexAtOrAfter } from './wire-mapping';

const DEFAULT_SEARCH_WINDOW = 32;

export function subscribeToAll(
  log: EventLog,
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
  allOptions: ReadReq.Options.AllOptions,
  filter: LogFilter | undefined,
  filterOptions: ReadReq.Options.FilterOptions | undefined,
  structuredIds: boolean,
  track: TrackCall,
  faults: DoubleFaults,
): void {
  let closed = false;
  let unsubscribe = (): void => {};
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    untrack();
  };
  const untrack = track(close);
  const window = filterOptions?.hasMax() ? filterOptions.getMax() : DEFAULT_SEARCH_WINDOW;
  const checkpointEvery = filterOptions ? Math.max(1, filterOptions.getCheckpointintervalmultiplier()) * window : undefined;

  // Index of the next event to consider. Subscription start positions are exclusive.
  let next = allOptions.hasPosition()
    ? (() => {
        const position = allOptions.getPosition()!;
        const index = indexAtOrAfter(log, position);
        const at = log.eventAt(index);
        const exact = at !== undefined && at.commit === Number(position.getCommitPosition()) && at.position === Number(position.getPreparePosition());
        return exact ? index + 1 : index;
      })()
    : allOptions.hasEnd()
      ? log.length
      : 0;
  let considered = 0;
  let caughtUp = false;

  const confirmation = new ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(randomUUID());
  const first = new ReadResp();
  first.setConfirmation(confirmation);
  call.write(first);

  const pump = (): void => {
    if (closed) return;
    for (; next < log.length; next++) {
      const event = log.eventAt(next)!;
      if (matchesFilter(event, filter)) call.write(eventResp(event, structuredIds));
      considered++;
      if (checkpointEvery !== undefined && considered % checkpointEvery === 0) {
        const checkpoint = new ReadResp.Checkpoint();
        checkpoint.setCommitPosition(String(event.commit));
        checkpoint.setPreparePosition(String(event.position));
        const resp = new ReadResp();
        resp.setCheckpoint(checkpoint);
        call.write(resp);
      }
    }
    if (!caughtUp) {
      caughtUp = true;
      const resp = new ReadResp();
      resp.setCaughtUp(new ReadResp.CaughtUp());
      call.write(resp);
    }
  };
  const connectionName = call.metadata.get('connection-name')[0];
  unsubscribe = log.onAppended(() => {
    const delay = faults.liveDelay?.connectionName === connectionName ? faults.liveDelay?.ms : undefined;
    if (delay) setTimeout(pump, delay);
    else pump();
  });
  call.on('cancelled', close);
  call.on('close', close);
  call.on('error', close);
  pump();
}
