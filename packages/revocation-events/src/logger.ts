import { logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

/**
 * What the SDK logs through: pino's `(details, message)` call shape, so a
 * pino logger is passed as is (the service's libs use the same shape). Details
 * carry ids and offsets, never a token.
 */
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Discards everything: the default. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Routes kafkajs's own warnings and errors to `logger` (kafkajs logs to the console by default). */
export function kafkaLogCreator(logger: Logger): KafkaConfig['logCreator'] {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) logger.error({ kafkajs: extra }, message);
      else if (level === logLevel.WARN) logger.warn({ kafkajs: extra }, message);
    };
}
