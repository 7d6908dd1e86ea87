import { logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '@app/shared';

/**
 * kafkajs's own lines, onto our logger. kafkajs logs every failed connection
 * attempt and retry at ERROR, with a stack: during an outage that is a stack
 * trace per attempt. Those attempts are the relay's business to summarise
 * (one error when Kafka becomes unreachable, one info when it is back,
 * RevocationRelay), so kafkajs's errors are kept at info, with their
 * namespace, broker and error message but no stack. Its warnings (a setting
 * that weakens a guarantee) are logged at warn, their own level; its info
 * and debug lines are dropped.
 */
export function relayKafkaLogCreator(logger: Logger): KafkaConfig['logCreator'] {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      if (level !== logLevel.ERROR && level !== logLevel.WARN) return;
      const { message, broker, error, retryCount, retryTime } = log as LogEntry['log'] & Record<string, unknown>;
      if (level === logLevel.WARN) return logger.warn({ kafkajs: { namespace, broker, error } }, `kafkajs: ${message}`);
      logger.info({ kafkajs: { namespace, level: 'error', broker, error, retryCount, retryTime } }, `kafkajs: ${message}`);
    };
}
