import { Writable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import { requestLogger } from './request-log';

function captured() {
  const lines: Array<{ level: number; msg: string; ms: number; res: { statusCode: number } }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const request = { id: 'req-1', method: 'POST', ip: '10.0.0.1' } as FastifyRequest;
const reply = (statusCode: number, elapsedTime: number) => ({ statusCode, elapsedTime }) as FastifyReply;

describe('requestLogger', () => {
  it('given LOG_REQUESTS off, when a fast request is answered 200 or 400, then nothing is logged', () => {
    const { logger, lines } = captured();
    const log = requestLogger(logger, { logRequests: false, slowRequestMs: 1_000 });
    log(request, reply(200, 3), '/delegation');
    log(request, reply(400, 3), '/delegation');
    expect(lines).toEqual([]);
  });

  it('given LOG_REQUESTS off, when a request fails with 500 or is slow, then it is logged at error or warn', () => {
    const { logger, lines } = captured();
    const log = requestLogger(logger, { logRequests: false, slowRequestMs: 1_000 });
    log(request, reply(503, 2), '/delegation');
    log(request, reply(200, 1_500), '/delegation');
    expect(lines.map((l) => [l.level, l.msg, l.res.statusCode, l.ms])).toEqual([
      [50, 'request failed', 503, 2],
      [40, 'slow request', 200, 1_500],
    ]);
  });

  it('given LOG_REQUESTS on, when a request is answered, then one info line without body or headers', () => {
    const { logger, lines } = captured();
    requestLogger(logger, { logRequests: true, slowRequestMs: 0 })(request, reply(200, 3), '/delegation');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'request', req: { id: 'req-1', method: 'POST', route: '/delegation', ip: '10.0.0.1' }, res: { statusCode: 200 }, ms: 3 }),
    ]);
  });
});
