import { join } from 'node:path';
import { EventStoreDbEventStore, type EventStore } from '@app/event-store';
import type { CheckpointStore } from './checkpoint-store';
import { LogRelayLease, relayLeaseStream } from './lease/log-relay-lease';
import type { RevocationTopicSettings } from './revocation-topic';
import type { Logger } from '@app/shared/logger';
import { DEFAULT_REVOCATIONS_TOPIC, parseBrokers } from '@refresh-token-service/revocation-events';
import { RevocationRelay, type RevocationRelayOptions } from './revocation-relay';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import type { RevocationSigner } from './to-kafka-message';

/** What the token-service module and apps/revocation-relay pass to build a relay. */
export interface RevocationRelayConfig {
  /** The opened event store (the caller owns it and closes it). */
  store: EventStore;
  /** `ce_source`: the service's ISSUER. */
  issuer: string;
  /** Signs each message with a key of the service's JWKS: `keyStoreSigner(keys)`. */
  signer: RevocationSigner;
  /** `KAFKA_BROKERS`: comma-separated or a list; unset or empty: revocations wait in the log. */
  brokers?: string | readonly string[];
  /** `KAFKA_REVOCATIONS_TOPIC`; default `refresh-token.revocations`. */
  topic?: string;
  /**
   * Where the checkpoint lives. `log`: with a lease, in a stream of the log
   * itself (survives the container; several relays on one log elect one
   * publisher). `data-dir`: `relay.sqlite` in DATA_DIR, alone by the
   * DATA_DIR lock. Default: `log` on EventStoreDB, `data-dir` on SQLite.
   */
  checkpointOn?: 'log' | 'data-dir';
  /** `RELAY_LEASE_MS` (checkpoint on the log): default 15 s. */
  leaseMs?: number;
  /** `KAFKA_TOPIC_*`: how the topic is created when missing. */
  topicSettings?: RevocationTopicSettings;
  /** Where checkpoints live (overrides `checkpointOn`); default a SqliteCheckpointStore on `checkpointFile`. */
  checkpoints?: CheckpointStore;
  /** Default `${dataDir}/relay.sqlite`. */
  checkpointFile?: string;
  /** `DATA_DIR`, default `./data`. */
  dataDir?: string;
  logger?: Logger;
  kafka?: RevocationRelayOptions['kafka'];
  backoff?: RevocationRelayOptions['backoff'];
  batchSize?: number;
}

/** A relay and the resources the factory opened for it; `close()` stops the relay and closes them (not the event store). */
export interface RevocationRelayHandle {
  relay: RevocationRelay;
  close(): Promise<void>;
}

/**
 * Builds a RevocationRelay from configuration (not started: call
 * `handle.relay.start()`). The one entry point for the embedded relay in
 * token-service and for the standalone apps/revocation-relay.
 */
export function createRevocationRelay(config: RevocationRelayConfig): RevocationRelayHandle {
  const topic = config.topic ?? DEFAULT_REVOCATIONS_TOPIC;
  const onLog = config.checkpoints === undefined && (config.checkpointOn ?? (config.store instanceof EventStoreDbEventStore ? 'log' : 'data-dir')) === 'log';
  const lease = onLog ? new LogRelayLease({ store: config.store, streamId: relayLeaseStream(topic), leaseMs: config.leaseMs }) : undefined;
  const ownCheckpoints = config.checkpoints === undefined && !lease;
  const checkpoints: CheckpointStore =
    config.checkpoints ??
    lease ??
    new SqliteCheckpointStore({ filename: config.checkpointFile ?? join(config.dataDir ?? './data', 'relay.sqlite') });
  const relay = new RevocationRelay({
    lease,
    topicSettings: config.topicSettings,
    store: config.store,
    checkpoints,
    brokers: parseBrokers(config.brokers) ?? [],
    topic,
    issuer: config.issuer,
    signer: config.signer,
    logger: config.logger,
    kafka: config.kafka,
    backoff: config.backoff,
    batchSize: config.batchSize,
  });
  return {
    relay,
    async close() {
      await relay.stop();
      if (ownCheckpoints) await checkpoints.close?.();
    },
  };
}
