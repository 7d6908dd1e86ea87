import pino from 'pino';
import { PinoNestLogger } from './nest-logger';

function capture(): { logger: PinoNestLogger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = { write: (chunk: string) => void chunks.push(chunk) };
  const logger = new PinoNestLogger(pino({ level: 'debug' }, destination));
  return { logger, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('PinoNestLogger', () => {
  it('logs an Error that Nest reports (a failed start) with its message and stack, not as an empty object', () => {
    const { logger, lines } = capture();
    logger.error(new Error('no signing key can be read'), 'ExceptionHandler');
    const [line] = lines();
    expect(line).toMatchObject({ level: 50, context: 'ExceptionHandler', msg: 'no signing key can be read' });
    expect((line.err as { stack?: string }).stack).toContain('no signing key can be read');
  });

  it('keeps Nest start-up chatter at debug and other messages at info', () => {
    const { logger, lines } = capture();
    logger.log('Mapped {/delegation, POST} route', 'RouterExplorer');
    logger.log('listening', 'Main');
    expect(lines().map((l) => [l.level, l.msg])).toEqual([
      [20, 'Mapped {/delegation, POST} route'],
      [30, 'listening'],
    ]);
  });
});
