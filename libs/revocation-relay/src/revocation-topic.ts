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

export type RevocationTopicErrorCode = 'TOPIC_RETENTION_TOO_SHORT' | 'TOPIC_COMPACTED';

/** A configured retention shorter than the longest id_token lifetime. */
export class TopicRetentionTooShortError extends CodedError<RevocationTopicErrorCode> {
  readonly code = 'TOPIC_RETENTION_TOO_SHORT' as const;
}

/**
 * An existing revocations topic with `cleanup.policy` compact: records are
 * keyed by user id, so compaction would keep only a user's last revocation
 * and drop the others before their id_tokens expire.
 */
export class TopicCompactedError extends CodedError<RevocationTopicErrorCode> {
  readonly code = 'TOPIC_COMPACTED' as const;
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
 * warning with the command that fixes it, never altered silently; a
 * compacted one is refused (TOPIC_COMPACTED): it would lose revocations.
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
  const configs = await topicConfigs(admin, topic, ['retention.ms', 'cleanup.policy']);
  const policy = configs.get('cleanup.policy') ?? '';
  if (policy.split(',').includes('compact')) {
    throw new TopicCompactedError(
      `the revocations topic ${topic} has cleanup.policy=${policy}: records are keyed by user id, so compaction would drop all but each user's last revocation; ` +
        `not publishing to it. Set it to delete (kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=delete) or name another KAFKA_REVOCATIONS_TOPIC`,
    );
  }
  const retention = configs.get('retention.ms');
  const retentionMs = retention === undefined ? undefined : Number(retention);
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
  const value = (await topicConfigs(admin, topic, ['retention.ms'])).get('retention.ms');
  return value === undefined ? undefined : Number(value);
}

/** The named configuration values of a topic, as the broker states them. */
async function topicConfigs(admin: Admin, topic: string, configNames: string[]): Promise<Map<string, string>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames }],
  });
  return new Map((resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]));
}
