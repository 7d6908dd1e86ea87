/**
 * TEST DOUBLE — not EventStoreDB. The double's Read handler: stream and $all reads, forwards and backwards
 * (positions of reads are inclusive); $all subscriptions go to streams-subscribe.ts.
 */
import * as grpc from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { matchesFilter, type EventLog, type StoredEvent } from './event-log';
import type { DoubleCallCounts, DoubleFaults, TrackCall } from './streams-service';
import { subscribeToAll } from './streams-subscribe';
import { eventResp, indexAtOrAfter, streamName, toLogFilter } from './wire-mapping';

export function countRead(request: ReadReq, calls: DoubleCallCounts): void {
  const options = request.getOptions();
  if (!options) return;
  if (options.hasSubscription()) calls.subscriptions++;
  else if (options.hasStream()) calls.streamReads++;
  else if (options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS) calls.allReadsForwards++;
  else calls.allReadsBackwards++;
}

export function handleRead(log: EventLog, call: grpc.ServerWritableStream<ReadReq, ReadResp>, track: TrackCall, faults: DoubleFaults): void {
  const options = call.request.getOptions();
  if (!options) {
    call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'Options missing' });
    return;
  }
  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const forwards = options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS;
  const count = options.hasCount() ? Number(options.getCount()) : Number.MAX_SAFE_INTEGER;

  if (options.hasStream()) {
    const streamOptions = options.getStream()!;
    const id = streamName(streamOptions.getStreamIdentifier());
    const events = log.stream(id);
    if (options.hasSubscription()) {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'stream subscriptions are not emulated by the test double' });
      return;
    }
    if (!events) {
      const notFound = new ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamOptions.getStreamIdentifier());
      const resp = new ReadResp();
      resp.setStreamNotFound(notFound);
      call.write(resp);
      call.end();
      return;
    }
    let selected: readonly StoredEvent[];
    if (forwards) {
      const from = streamOptions.hasRevision() ? Number(streamOptions.getRevision()) : streamOptions.hasEnd() ? events.length : 0;
      selected = events.slice(from, from + count);
    } else {
      const from = streamOptions.hasRevision() ? Number(streamOptions.getRevision()) : events.length - 1;
      selected = events.slice(Math.max(0, from - count + 1), from + 1).reverse();
    }
    for (const event of selected) call.write(eventResp(event, structuredIds));
    call.end();
    return;
  }

  const allOptions = options.getAll();
  if (!allOptions) {
    call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'stream or all options required' });
    return;
  }
  const filter = options.hasFilter() ? toLogFilter(options.getFilter()!) : undefined;

  if (options.hasSubscription()) {
    subscribeToAll(log, call, allOptions, filter, options.getFilter(), structuredIds, track, faults);
    return;
  }

  // $all read: forward from an inclusive position, backward from before an exclusive one.
  if (forwards) {
    let index = allOptions.hasPosition() ? indexAtOrAfter(log, allOptions.getPosition()!) : allOptions.hasEnd() ? log.length : 0;
    let sent = 0;
    for (; index < log.length && sent < count; index++) {
      const event = log.eventAt(index)!;
      if (!matchesFilter(event, filter)) continue;
      call.write(eventResp(event, structuredIds));
      sent++;
    }
  } else {
    let index = allOptions.hasPosition() ? indexAtOrAfter(log, allOptions.getPosition()!) - 1 : allOptions.hasStart() ? -1 : log.length - 1;
    let sent = 0;
    for (; index >= 0 && sent < count; index--) {
      const event = log.eventAt(index)!;
      if (!matchesFilter(event, filter)) continue;
      call.write(eventResp(event, structuredIds));
      sent++;
    }
  }
  call.end();
}
