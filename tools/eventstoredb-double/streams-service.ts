/**
 * TEST DOUBLE — not EventStoreDB. The `event_store.client.streams.Streams`
 * gRPC service of the EventStoreDB double, implemented over the service
 * definition and protobuf classes that ship in `@eventstore/db-client/generated`
 * (the same code the client serialises with, so the bytes on the wire are the
 * real protocol's). See eventstoredb-double.ts for what is not emulated.
 *
 * Signals follow the server (EventStore `Streams.Append.cs`, `Streams.BatchAppend.cs`,
 * `Status.cs`, `Enumerators.*`):
 * - Append: `AppendResp.wrong_expected_version` with current/expected as
 *   oneofs, or `success` with current revision and position.
 * - BatchAppend: per correlation id; a conflict is a `google.rpc.Status`
 *   (code ALREADY_EXISTS, message "WrongExpectedVersion") whose details pack
 *   `event_store.client.WrongExpectedVersion`.
 * - Read of a missing stream: one `ReadResp.stream_not_found`, then OK.
 * - Subscriptions: `confirmation` first, then events, `checkpoint`s every
 *   checkpointIntervalMultiplier × window considered events (window = the
 *   filter's max, default 32), one `caught_up` when the replay reaches the
 *   head, then live events. Start positions of subscriptions are exclusive,
 *   of reads inclusive.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as WellKnownEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { AccessDenied, Empty, StreamIdentifier, UUID, WrongExpectedVersion as SharedWrongExpectedVersion, AllStreamPosition } from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import { EventLog, matchesFilter, type ExpectedState, type LogFilter, type ProposedEvent, type StoredEvent } from './event-log';

/** google.rpc.Code.ALREADY_EXISTS, what the server puts on a WrongExpectedVersion status. */
const CODE_ALREADY_EXISTS = 6;
const DEFAULT_SEARCH_WINDOW = 32;

/** Registers a disposer for an open call (run when the double stops); returns the unregister function. */
export type TrackCall = (dispose: () => void) => () => void;

/**
 * Behaviours of a real server a test switches on (all off by default), each
 * answered on the wire as EventStoreDB answers it:
 * - `refuse: 'permission_denied'`: the user lacks the right (ACLs). Reads and
 *   Append fail PermissionDenied with trailer `exception: access-denied`
 *   (`RpcExceptions.AccessDenied`); BatchAppend answers each write with a
 *   `google.rpc.Status` (PermissionDenied) packing `event_store.client.AccessDenied`.
 * - `refuse: 'unauthenticated'`: wrong user or password; the server's
 *   authentication rejects every Streams call with Unauthenticated.
 * - `omitAppendPosition`: successful appends answered with `no_position`, a
 *   case of the protocol's `oneof position_option` the client surfaces as
 *   `position: undefined`.
 * - `sharedCommit`: the events of one append share one commit position and
 *   keep a prepare position each, as events of one transaction do on a real
 *   server; positions are then (commit, prepare) tuples in every answer.
 */
export interface DoubleFaults {
  refuse?: 'permission_denied' | 'unauthenticated';
  omitAppendPosition?: boolean;
  sharedCommit?: boolean;
  /**
   * The live subscriptions of the client named `connectionName` (its
   * `connectionName=` connection-string setting) get each append `ms` late: a
   * replica whose projection lags. Reads are not delayed.
   */
  liveDelay?: { connectionName: string; ms: number };
}

/** How many calls of each kind the double answered (for tests that bound the load a feature puts on the store). */
export interface DoubleCallCounts {
  appends: number;
  streamReads: number;
  allReadsForwards: number;
  allReadsBackwards: number;
  subscriptions: number;
}

/** google.rpc.Code.PERMISSION_DENIED. */
const CODE_PERMISSION_DENIED = 7;

function refusal(faults: DoubleFaults): Partial<grpc.StatusObject> | undefined {
  if (faults.refuse === 'unauthenticated') return { code: grpc.status.UNAUTHENTICATED, details: 'Unauthenticated' };
  if (faults.refuse === 'permission_denied') {
    const metadata = new grpc.Metadata();
    metadata.set('exception', 'access-denied');
    return { code: grpc.status.PERMISSION_DENIED, details: 'Access Denied', metadata };
  }
  return undefined;
}

/** Creates the Streams service; `track` registers every open call so a stop can cut them like a crash. */
export function createStreamsService(log: EventLog, track: TrackCall, faults: DoubleFaults = {}, calls?: DoubleCallCounts): IStreamsServer {
  return {
    append: (call, callback) => {
      if (calls) calls.appends++;
      const refused = refusal(faults);
      if (refused) return callback(refused);
      handleAppend(log, call, callback, track, faults);
    },
    batchAppend: (call) => {
      if (faults.refuse === 'unauthenticated') return void call.emit('error', refusal(faults));
      handleBatchAppend(log, call, track, faults, calls);
    },
    read: (call) => {
      if (calls) countRead(call.request, calls);
      const refused = refusal(faults);
      if (refused) return void call.emit('error', refused);
      handleRead(log, call, track, faults);
    },
    delete: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'Streams.Delete is not emulated by the test double' }),
    tombstone: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'Streams.Tombstone is not emulated by the test double' }),
  };
}

// ---------------------------------------------------------------- append

function handleAppend(
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

function handleBatchAppend(
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

// ---------------------------------------------------------------- read

function countRead(request: ReadReq, calls: DoubleCallCounts): void {
  const options = request.getOptions();
  if (!options) return;
  if (options.hasSubscription()) calls.subscriptions++;
  else if (options.hasStream()) calls.streamReads++;
  else if (options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS) calls.allReadsForwards++;
  else calls.allReadsBackwards++;
}

function handleRead(log: EventLog, call: grpc.ServerWritableStream<ReadReq, ReadResp>, track: TrackCall, faults: DoubleFaults): void {
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

function subscribeToAll(
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

// ---------------------------------------------------------------- mapping

/** $all is ordered by (commit, prepare): a requested position compares as that tuple. */
function indexAtOrAfter(log: EventLog, position: ReadReq.Options.Position): number {
  return log.indexAtOrAfter(Number(position.getCommitPosition()), Number(position.getPreparePosition()));
}

function streamName(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

function uuidString(uuid: UUID | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const buffer = Buffer.alloc(16);
  buffer.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  buffer.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = buffer.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toUuid(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const buffer = Buffer.from(id.replace(/-/g, ''), 'hex');
  const parts = new UUID.Structured();
  parts.setMostSignificantBits(buffer.readBigInt64BE(0).toString());
  parts.setLeastSignificantBits(buffer.readBigInt64BE(8).toString());
  uuid.setStructured(parts);
  return uuid;
}

function fromProposed(message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function allStreamPosition(commit: number, prepare: number): AllStreamPosition {
  const result = new AllStreamPosition();
  result.setCommitPosition(String(commit));
  result.setPreparePosition(String(prepare));
  return result;
}

function eventResp(event: StoredEvent, structuredIds: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(toUuid(event.id, structuredIds));
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(event.streamId, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(String(event.revision));
  recorded.setCommitPosition(String(event.commit));
  recorded.setPreparePosition(String(event.position));
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', event.createdTicks.toString());
  recorded.setCustomMetadata(event.customMetadata);
  recorded.setData(event.data);
  const readEvent = new ReadResp.ReadEvent();
  readEvent.setEvent(recorded);
  readEvent.setCommitPosition(String(event.commit));
  const resp = new ReadResp();
  resp.setEvent(readEvent);
  return resp;
}

function toLogFilter(options: ReadReq.Options.FilterOptions): LogFilter {
  const on = options.hasStreamIdentifier() ? 'stream' : 'event_type';
  const expression = options.hasStreamIdentifier() ? options.getStreamIdentifier()! : options.getEventType()!;
  const regex = expression.getRegex();
  // .NET and JavaScript regex dialects agree on the simple patterns clients send (e.g. `^[^$].*`).
  return { on, prefixes: expression.getPrefixList(), regex: regex ? new RegExp(regex) : undefined };
}
