/** Default Kafka topic of revocation events (product.md, "Kafka message"). */
export const DEFAULT_REVOCATIONS_TOPIC = 'refresh-token.revocations';

/** The topic from `KAFKA_REVOCATIONS_TOPIC`, or the default. */
export function revocationsTopicFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const topic = env.KAFKA_REVOCATIONS_TOPIC?.trim();
  return topic ? topic : DEFAULT_REVOCATIONS_TOPIC;
}

/** Broker list from `KAFKA_BROKERS` (comma-separated); `undefined` when unset or blank: revocations wait. */
export function kafkaBrokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  return parseBrokers(env.KAFKA_BROKERS);
}

/** Splits a comma-separated broker list; `undefined` when it names none. */
export function parseBrokers(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (typeof value === 'string' ? value.split(',') : [...value]).map((b) => b.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}
