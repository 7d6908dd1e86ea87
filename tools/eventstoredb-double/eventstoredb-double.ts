/**
 * TEST DOUBLE — an in-process stand-in for EventStoreDB's gRPC streams API,
 * for tests only. It is NOT EventStoreDB and must never back a deployment.
 *
 * Why: no EventStoreDB server can be installed on our build machines, so the
 * EventStoreDB adapter is tested over its real wire protocol against this
 * double (and against a real server whenever EVENTSTORE_CONNECTION_STRING is
 * set). It is a `@grpc/grpc-js` server built from the service definitions that
 * ship in `@eventstore/db-client/generated` (the package ships generated
 * stubs, not .proto files), so the official client talks to it unchanged
 * through `esdb://127.0.0.1:<port>?tls=false`.
 *
 * Emulated (what @eventstore/db-client 6.x uses for streams):
 * - ServerFeatures.GetSupportedMethods, advertising only the methods below
 *   (so the client picks BatchAppend for appends, as with a real 21.10+ server);
 * - Streams.Append and Streams.BatchAppend with exact expected-revision
 *   semantics (revision / no_stream / stream_exists / any), idempotent
 *   re-append of the same event ids at the same place, WrongExpectedVersion
 *   signalled as the server does on each RPC;
 * - Streams.Read: stream reads forward/backward with count and
 *   `stream_not_found`; `$all` reads forward/backward from a position with
 *   server-side filters (stream-name or event-type prefixes or regex);
 * - `$all` catch-up subscriptions: confirmation, events, checkpoints at the
 *   requested interval, caught_up, live events;
 * - on a switch (`faults`): access refused (PermissionDenied with
 *   `exception: access-denied`, or Unauthenticated) and successful appends
 *   answered without a position, as a real server may;
 * - stop()/start() on the same port, data kept in memory across them; stop
 *   force-closes every HTTP/2 connection, so open calls end CANCELLED (a
 *   real crash usually shows as UNAVAILABLE; the client treats both as a
 *   dropped connection) and new calls fail UNAVAILABLE (connection refused).
 *
 * Not emulated: clustering, gossip and leader elections, TLS, authentication
 * and ACLs (only their refusals, on a switch), persistent subscriptions, projections, stream subscriptions,
 * delete/tombstone and stream metadata ($$streams), scavenging, `$`-system
 * streams and the events a real server writes itself, link events and
 * resolveLinkTos, max-age/max-count, explicit transactions, real log byte
 * positions (positions here are commit = prepare = an estimated byte offset per
 * event: strictly increasing, not contiguous), fell_behind signalling and
 * backpressure, write timeouts, maximum append size, durability (memory only).
 */
import * as grpc from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { EventLog } from './event-log';
import { createStreamsService, type DoubleCallCounts, type DoubleFaults } from './streams-service';

export type { DoubleCallCounts, DoubleFaults } from './streams-service';

export interface EventStoreDbDouble {
  /** The TCP port it listens on (stays the same across stop/start). */
  readonly port: number;
  /** `esdb://127.0.0.1:<port>?tls=false`: single node, no discovery. */
  readonly connectionString: string;
  /** The in-memory log, for assertions that look under the wire. */
  readonly log: EventLog;
  /** Server behaviours a test switches on (access refused, appends without position); see DoubleFaults. Mutable, read on every call. */
  readonly faults: DoubleFaults;
  /** Calls answered since start, by kind. */
  readonly calls: DoubleCallCounts;
  /** Whether it is accepting connections. */
  readonly running: boolean;
  /** Crash-stop: cuts open calls and connections, closes the port. Data is kept. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same data. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
}

/** The version string the double reports; not a real server version. */
export const DOUBLE_SERVER_VERSION = '0.0.0-test-double';

/** Starts the double on `port` (0 or omitted: a free port). */
export async function startEventStoreDbDouble(options: { port?: number } = {}): Promise<EventStoreDbDouble> {
  const log = new EventLog();
  const faults: DoubleFaults = {};
  const calls: DoubleCallCounts = { appends: 0, streamReads: 0, allReadsForwards: 0, allReadsBackwards: 0, subscriptions: 0 };
  const openCalls = new Set<() => void>();
  let server: grpc.Server | undefined;
  let port = options.port ?? 0;

  const track = (dispose: () => void): (() => void) => {
    openCalls.add(dispose);
    return () => openCalls.delete(dispose);
  };

  const listen = async (): Promise<void> => {
    const next = new grpc.Server();
    next.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: grpc.ServerUnaryCall<unknown, SupportedMethods>, callback: grpc.sendUnaryData<SupportedMethods>) =>
        callback(null, supportedMethods()),
    });
    next.addService(StreamsService, createStreamsService(log, track, faults, calls));
    port = await new Promise<number>((resolve, reject) =>
      next.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    server = next;
  };

  const double: EventStoreDbDouble = {
    get port() {
      return port;
    },
    get connectionString() {
      return `esdb://127.0.0.1:${port}?tls=false`;
    },
    log,
    faults,
    calls,
    get running() {
      return server !== undefined;
    },
    async stop() {
      const current = server;
      if (!current) return;
      server = undefined;
      for (const dispose of [...openCalls]) dispose();
      openCalls.clear();
      // forceShutdown destroys every HTTP/2 session: clients see the
      // connection drop (UNAVAILABLE), as when a server process dies.
      current.forceShutdown();
    },
    async start() {
      if (server) return;
      await listen();
    },
    async restart() {
      await double.stop();
      await double.start();
    },
  };
  await listen();
  return double;
}

function supportedMethods(): SupportedMethods {
  const methods = new SupportedMethods();
  methods.setEventStoreServerVersion(DOUBLE_SERVER_VERSION);
  const method = (service: string, name: string, features: string[] = []): SupportedMethod => {
    const m = new SupportedMethod();
    m.setServiceName(service);
    m.setMethodName(name);
    m.setFeaturesList(features);
    return m;
  };
  methods.setMethodsList([
    method('event_store.client.streams.Streams', 'read'),
    method('event_store.client.streams.Streams', 'append'),
    method('event_store.client.streams.Streams', 'batchappend'),
    method('event_store.client.server_features.ServerFeatures', 'getsupportedmethods'),
  ]);
  return methods;
}
