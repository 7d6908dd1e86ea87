/**
 * TEST DOUBLE — not EventStoreDB. The double's Append and BatchAppend handlers (see streams-service.ts
 * for the signals they follow): nothing is written before a write is final.
 */
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as WellKnownEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import * as grpc from '@grpc/grpc-js';
import { AccessDenied, Empty, StreamIdentifier, WrongExpectedVersion as SharedWrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendResp, BatchAppendResp, type AppendReq, type BatchAppendReq } from '@eventstore/db-client/generated/streams_pb';
import type { EventLog, ExpectedState, ProposedEvent } from './event-log';
import type { DoubleCallCounts, DoubleFaults, TrackCall } from './streams-service';
import { allStreamPosition, fromProposed, streamName, uuidString } from './wire-mapping';

/** google.rpc.Code.ALREADY_EXISTS, what the server puts on a WrongExpectedVersion status. */
const CODE_ALREADY_EXISTS = 6;
/** google.rpc.Code.PERMISSION_DENIED. */
const CODE_PERMISSION_DENIED = 7;

export function handleAppend(
  log: EventLog,
  call: grpc.ServerReadableStream<AppendReq, AppendResp>,
  callback: grpc.sendUnaryData<AppendResp>,
  track: TrackCall,
  faults: DoubleFaults,
): void {
  let failed = false;
  const untrack = track(() => {
    failed = true; // a crash loses an undecided append: nothing is written
  });
  let streamId: string | undefined;
  let expected: ExpectedState | undefined;
  const proposed: ProposedEvent[] = [];
  const fail = (code: grpc.status, details: string): void => {
    if (failed) return;
    failed = true;
    untrack();
    callback({ code, details });
  };
  call.on('data', (req: AppendReq) => {
    if (req.hasOptions()) {
      const options = req.getOptions()!;
      streamId = streamName(options.getStreamIdentifier());
      expected = options.hasRevision()
        ? { kind: 'revision', revision: Number(options.getRevision()) }
        : options.hasNoStream()
          ? { kind: 'no_stream' }
          : options.hasStreamExists()
            ? { kind: 'stream_exists' }
            : { kind: 'any' };
    } else if (req.hasProposedMessage()) {
      if (streamId === undefined) return fail(grpc.status.INVALID_ARGUMENT, 'Options must come first');
      proposed.push(fromProposed(req.getProposedMessage()!));
    }
  });
  // Nothing is decided before the client half-closes: an append cut off
  // mid-way (connection lost) writes nothing, as on the server.
  call.on('end', () => {
    if (failed) return;
    untrack();
    if (streamId === undefined || expected === undefined) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'Options missing' });
    const outcome = log.append(streamId, expected, proposed, { sharedCommit: faults.sharedCommit });
    const resp = new AppendResp();
    if (outcome.kind === 'success') {
      const success = new AppendResp.Success();
      if (outcome.currentRevision === undefined) success.setNoStream(new Empty());
      else success.setCurrentRevision(String(outcome.currentRevision));
      if (outcome.position === undefined || faults.omitAppendPosition) success.setNoPosition(new Empty());
      else {
        const position = new AppendResp.Position();
        position.setCommitPosition(String(outcome.commit));
        position.setPreparePosition(String(outcome.position));
        success.setPosition(position);
      }
      resp.setSuccess(success);
    } else {
      const wrong = new AppendResp.WrongExpectedVersion();
      if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new Empty());
      else wrong.setCurrentRevision(String(outcome.currentRevision));
      switch (outcome.expected.kind) {
        case 'revision':
          wrong.setExpectedRevision(String(outcome.expected.revision));
          break;
        case 'no_stream':
          wrong.setExpectedNoStream(new Empty());
          break;
        case 'stream_exists':
          wrong.setExpectedStreamExists(new Empty());
          break;
        case 'any':
          wrong.setExpectedAny(new Empty());
          break;
      }
      resp.setWrongExpectedVersion(wrong);
    }
    callback(null, resp);
  });
  call.on('error', () => {
    failed = true;
    untrack();
  });
}

export function handleBatchAppend(
  log: EventLog,
  call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>,
  track: TrackCall,
  faults: DoubleFaults,
  calls: DoubleCallCounts | undefined,
): void {
  let stopped = false;
  const untrack = track(() => {
    stopped = true;
  });
  const pending = new Map<string, { streamId: string; expected: ExpectedState; identifier: StreamIdentifier; events: ProposedEvent[] }>();
  call.on('data', (req: BatchAppendReq) => {
    const correlationId = req.getCorrelationId();
    const key = uuidString(correlationId);
    if (req.hasOptions()) {
      const options = req.getOptions()!;
      const identifier = options.getStreamIdentifier() ?? new StreamIdentifier();
      pending.set(key, {
        streamId: streamName(identifier),
        identifier,
        expected: options.hasStreamPosition()
          ? { kind: 'revision', revision: Number(options.getStreamPosition()) }
          : options.hasNoStream()
            ? { kind: 'no_stream' }
            : options.hasStreamExists()
              ? { kind: 'stream_exists' }
              : { kind: 'any' },
        events: [],
      });
    }
    const write = pending.get(key);
    if (!write || stopped) return;
    for (const message of req.getProposedMessagesList()) write.events.push(fromProposed(message));
    if (!req.getIsFinal()) return;
    pending.delete(key);
    if (calls) calls.appends++;

    const resp = new BatchAppendResp();
    if (faults.refuse === 'permission_denied') {
      resp.setCorrelationId(correlationId);
      resp.setStreamIdentifier(write.identifier);
      const any = new Any();
      any.pack(new AccessDenied().serializeBinary(), 'event_store.client.AccessDenied');
      const status = new Status();
      status.setCode(CODE_PERMISSION_DENIED);
      status.setMessage('Access Denied');
      status.setDetails(any);
      resp.setError(status);
      call.write(resp);
      return;
    }
    const outcome = log.append(write.streamId, write.expected, write.events, { sharedCommit: faults.sharedCommit });
    resp.setCorrelationId(correlationId);
    resp.setStreamIdentifier(write.identifier);
    switch (write.expected.kind) {
      case 'revision':
        resp.setStreamPosition(String(write.expected.revision));
        break;
      case 'no_stream':
        resp.setNoStream(new WellKnownEmpty());
        break;
      case 'stream_exists':
        resp.setStreamExists(new WellKnownEmpty());
        break;
      case 'any':
        resp.setAny(new WellKnownEmpty());
        break;
    }
    if (outcome.kind === 'success') {
      const success = new BatchAppendResp.Success();
      if (outcome.currentRevision === undefined) success.setNoStream(new WellKnownEmpty());
      else success.setCurrentRevision(String(outcome.currentRevision));
      if (outcome.position === undefined || faults.omitAppendPosition) success.setNoPosition(new WellKnownEmpty());
      else success.setPosition(allStreamPosition(outcome.commit!, outcome.position));
      resp.setSuccess(success);
    } else {
      const details = new SharedWrongExpectedVersion();
      if (outcome.currentRevision === undefined) details.setCurrentNoStream(new WellKnownEmpty());
      else details.setCurrentStreamRevision(String(outcome.currentRevision));
      switch (outcome.expected.kind) {
        case 'revision':
          details.setExpectedStreamPosition(String(outcome.expected.revision));
          break;
        case 'no_stream':
          details.setExpectedNoStream(new WellKnownEmpty());
          break;
        case 'stream_exists':
          details.setExpectedStreamExists(new WellKnownEmpty());
          break;
        case 'any':
          details.setExpectedAny(new WellKnownEmpty());
          break;
      }
      const any = new Any();
      any.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
      const status = new Status();
      status.setCode(CODE_ALREADY_EXISTS);
      status.setMessage('WrongExpectedVersion');
      status.setDetails(any);
      resp.setError(status);
    }
    call.write(resp);
  });
  call.on('end', () => {
    untrack();
    call.end();
  });
  call.on('error', () => untrack());
}
