/**
 * TEST DOUBLE — not EventStoreDB. The `event_store.client.streams.Streams`
 * gRPC service of the EventStoreDB double, implemented over the service
 * definition and protobuf classes that ship in `@eventstore/db-client/generated`
 * (the same code the client serialises with, so the bytes on the wire are the
 * real protocol's). See eventstoredb-double.ts for what is not emulated. The
 * handlers live by concern: streams-append.ts, streams-read.ts,
 * streams-subscribe.ts, over wire-mapping.ts.
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
import * as grpc from '@grpc/grpc-js';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { EventLog } from './event-log';
import { handleAppend, handleBatchAppend } from './streams-append';
import { countRead, handleRead } from './streams-read';

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
