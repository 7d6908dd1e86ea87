import { logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@app/shared/logger';
import { relayKafkaLogCreator } from './kafka-log';

describe('kafkajs lines on the relay logger', () => {
  const lines: { level: string; message: string }[] = [];
  const logger: Logger = {
    info: (_details, message) => void lines.push({ level: 'info', message }),
    warn: (_details, message) => void lines.push({ level: 'warn', message }),
    error: (_details, message) => void lines.push({ level: 'error', message }),
  };
  const log = relayKafkaLogCreator(logger)!(logLevel.INFO);
  const entry = (level: logLevel, message: string): LogEntry => ({ namespace: 'Producer', level, label: '', log: { timestamp: '', message } });

  beforeEach(() => lines.splice(0));

  it('logs a kafkajs warning at warn, its own level', () => {
    log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
    expect(lines).toEqual([{ level: 'warn', message: 'kafkajs: Limiting retries for the idempotent producer may invalidate EoS guarantees' }]);
  });

  it("keeps kafkajs's errors (one per retry during an outage) at info: the relay says the outage once, at error", () => {
    log(entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED'));
    expect(lines).toEqual([{ level: 'info', message: 'kafkajs: Connection error: connect ECONNREFUSED' }]);
  });

  it('drops its info and debug lines', () => {
    log(entry(logLevel.INFO, 'Starting'));
    log(entry(logLevel.DEBUG, 'Request Metadata'));
    expect(lines).toEqual([]);
  });
});
