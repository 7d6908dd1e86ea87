import { join } from 'node:path';
import type { EventStore } from '@app/event-store';
import type { IdGenerator, Logger } from '@app/shared';
import { DEFAULT_REVOCATIONS_TOPIC } from '@refresh-token-service/revocation-events';
import type { CheckpointStore } from './checkpoint-store';
import { LogRelayLease, relayLeaseStream } from './lease/log-relay-lease';
import type { RelayLease } from './lease/relay-lease';
import type { RevocationTopicSettings } from './revocation-topic';
import { RevocationRelay } from './revocation-relay';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import type { RevocationSigner } from './to-kafka-message';

/** The relay's checkpoint file in DATA_DIR (SQLite deployments). */
export const RELAY_CHECKPOINT_FILE_NAME = 'relay.sqlite';

/**
 * The configuration values the relay is wired from: the same in token-service
 * (embedded) and apps/revocation-relay (standalone), so both pass their
 * loaded configuration as is.
 */
export interface RevocationRelayWiring {
  /** The opened event store (the caller owns it and closes it). */
  store: EventStore;
  /** `EVENT_STORE`: picks where the checkpoint lives (see `relayCheckpoints`). */
  eventStore: 'sqlite' | 'eventstoredb';
  /** `DATA_DIR`: holds `relay.sqlite` on SQLite. */
  dataDir: string;
  /** `ce_source`: the service's ISSUER. */
  issuer: string;
  /** Signs each message (`ce_signature`) with a key the service publishes in its JWKS. */
  signer: RevocationSigner;
  /** `KAFKA_BROKERS`; empty: revocations wait in the log. */
  kafkaBrokers: readonly string[];
  /** `KAFKA_REVOCATIONS_TOPIC`. */
  kafkaRevocationsTopic?: string;
  /** `RELAY_LEASE_MS` (checkpoint on the log). */
  relayLeaseMs?: number;
  /** `KAFKA_TOPIC_*`: how the topic is created when missing. */
  kafkaTopic?: RevocationTopicSettings;
  logger?: Logger;
  /** The app's IdGenerator (the lease's holder and event ids); default the CSPRNG's. */
  ids?: IdGenerator;
}

/** Where a relay keeps its checkpoint, and the lease that elects the one publisher when several relays share a log. */
export interface RelayCheckpoints {
  store: CheckpointStore;
  lease?: RelayLease;
}

/**
 * The one choice of checkpoint store. EventStoreDB: a lease stream on the log
 * itself (survives the container; several relays on one log elect one
 * publisher). SQLite: `DATA_DIR/relay.sqlite`, the relay alone by the
 * DATA_DIR lock.
 */
export function relayCheckpoints(wiring: Pick<RevocationRelayWiring, 'store' | 'eventStore' | 'dataDir' | 'kafkaRevocationsTopic' | 'relayLeaseMs' | 'ids'>): RelayCheckpoints {
  if (wiring.eventStore === 'eventstoredb') {
    const lease = new LogRelayLease({
      store: wiring.store,
      streamId: relayLeaseStream(wiring.kafkaRevocationsTopic ?? DEFAULT_REVOCATIONS_TOPIC),
      leaseMs: wiring.relayLeaseMs,
      ids: wiring.ids,
    });
    return { store: lease, lease };
  }
  return { store: new SqliteCheckpointStore({ filename: join(wiring.dataDir, RELAY_CHECKPOINT_FILE_NAME) }) };
}

/** A relay and the checkpoint store opened for it; `close()` stops the relay and closes the store (not the event store). */
export interface RevocationRelayHandle {
  relay: RevocationRelay;
  close(): Promise<void>;
}

/**
 * Wires a RevocationRelay from configuration (not started: call
 * `handle.relay.start()`). The one wiring of the embedded relay in
 * token-service and of the standalone apps/revocation-relay.
 */
export function wireRevocationRelay(wiring: RevocationRelayWiring): RevocationRelayHandle {
  const checkpoints = relayCheckpoints(wiring);
  const relay = new RevocationRelay({
    store: wiring.store,
    checkpoints: checkpoints.store,
    lease: checkpoints.lease,
    brokers: wiring.kafkaBrokers,
    topic: wiring.kafkaRevocationsTopic,
    topicSettings: wiring.kafkaTopic,
    issuer: wiring.issuer,
    signer: wiring.signer,
    logger: wiring.logger,
  });
  return {
    relay,
    async close() {
      await relay.stop();
      await checkpoints.store.close?.();
    },
  };
}
