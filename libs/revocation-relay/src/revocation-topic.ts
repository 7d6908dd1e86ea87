import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { MAX_JWT_LIFETIME_IN_SECONDS } from '@app/clients';
import { CodedError, type Logger } from '@app/shared';

/**
 * The shortest retention the revocations topic may have: the longest
 * id_token lifetime a client may be given (30 days, `jwt_configuration.lifetime_in_seconds`
 * max). A downstream service started later must still read every revocation
 * of an id_token that has not expired yet.
 */
export const MIN_TOPIC_RETENTION_MS = MAX_JWT_LIFETIME_IN_SECONDS * 1000;

/** Default retention: the longest id_token lifetime plus 5 days of margin (a downstream service down over a long weekend still catches up). */
export const DEFAULT_TOPIC_RETENTION_MS = MIN_TOPIC_RETENTION_MS + 5 * 24 * 3600 * 1000;

/** How the relay creates the topic when it is missing. */
export interface RevocationTopicSettings {
  /** Default 6: the topic is keyed by user id, partitions spread users. */
  partitions: number;
  /** Unset: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /** At least MIN_TOPIC_RETENTION_MS; default DEFAULT_TOPIC_RETENTION_MS. */
  retentionMs: number;
}

export const DEFAULT_TOPIC_SETTINGS: RevocationTopicSettings = { partitions: 6, retentionMs: DEFAULT_TOPIC_RETENTION_MS };

export type RevocationTopicErrorCode = 'TOPIC_RETENTION_TOO_SHORT';

/** A configured retention shorter than the longest id_token lifetime. */
export class TopicRetentionTooShortError extends CodedError<RevocationTopicErrorCode> {
  readonly code = 'TOPIC_RETENTION_TOO_SHORT' as const;
}

/** Refuses settings a downstream service could not rely on. */
export function checkTopicSettings(settings: RevocationTopicSettings): RevocationTopicSettings {
  if (settings.retentionMs < MIN_TOPIC_RETENTION_MS) {
    throw new TopicRetentionTooShortError(
      `KAFKA_TOPIC_RETENTION_MS ${settings.retentionMs} is shorter than the longest id_token lifetime (${MIN_TOPIC_RETENTION_MS} ms, 30 days): ` +
        'a downstream service started later could not learn of revocations it must still honour',
    );
  }
  return settings;
}

/**
 * Creates the topic when missing, so a downstream service may subscribe
 * before the first revocation. An existing topic is left as it is (its
 * owner may have reasons); a retention shorter than ours is logged as a
 * warning with the command that fixes it, never altered silently.
 */
export async function ensureRevocationTopic(admin: Admin, topic: string, settings: RevocationTopicSettings, logger: Logger): Promise<void> {
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor ?? -1,
        configEntries: [{ name: 'retention.ms', value: String(settings.retentionMs) }],
      },
    ],
  });
  if (created) {
    logger.info({ topic, partitions: settings.partitions, replicationFactor: settings.replicationFactor ?? 'broker default', retentionMs: settings.retentionMs }, 'created the revocations topic');
    return;
  }
  const retentionMs = await topicRetentionMs(admin, topic);
  // -1: kept for ever.
  if (retentionMs !== undefined && retentionMs !== -1 && retentionMs < settings.retentionMs) {
    logger.warn(
      { topic, retentionMs, wantedRetentionMs: settings.retentionMs },
      `the revocations topic keeps records ${retentionMs} ms, less than KAFKA_TOPIC_RETENTION_MS: a downstream service started later may miss revocations it must honour; ` +
        `raise it with kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config retention.ms=${settings.retentionMs}`,
    );
  }
}

/** The topic's `retention.ms`, or undefined when the broker does not say. */
export async function topicRetentionMs(admin: Admin, topic: string): Promise<number | undefined> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
  });
  const value = resources[0]?.configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue;
  return value === undefined ? undefined : Number(value);
}
