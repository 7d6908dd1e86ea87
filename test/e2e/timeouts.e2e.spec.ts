/**
 * Issue 8 item 7: a request whose body never arrives, or trickles in, is
 * cut. Raw `net` sockets against a started service, since an HTTP client
 * would always finish its request. Transport only, so SQLite adapter only.
 */
import { connect, type Socket } from 'node:net';
import { startTokenService, type TokenServiceUnderTest } from '../support/token-service';

interface Ending {
  /** Everything the server sent before it closed the socket. */
  received: string;
  /** ms from connect to close. */
  closedAfterMs: number;
}

/** Opens a socket, lets `drive` write to it, and resolves when the server closes it (or rejects after `giveUpMs`). */
function untilClosed(port: number, drive: (socket: Socket) => void, giveUpMs: number): Promise<Ending> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = connect({ port, host: '127.0.0.1' }, () => drive(socket));
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after ${giveUpMs} ms; received: ${JSON.stringify(received)}`));
    }, giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: Date.now() - started });
    });
  });
}

const HEAD = [
  'POST /oauth/token HTTP/1.1',
  'Host: 127.0.0.1',
  'Content-Type: application/x-www-form-urlencoded',
  'Content-Length: 200',
  '',
  '',
].join('\r\n');

describe('timeouts (sqlite): REQUEST_TIMEOUT_MS=1000, CONNECTION_TIMEOUT_MS=3000, KEEP_ALIVE_TIMEOUT_MS=800', () => {
  let svc: TokenServiceUnderTest;
  const timers: NodeJS.Timeout[] = [];
  beforeAll(async () => {
    svc = await startTokenService({
      adapter: 'sqlite',
      env: { REQUEST_TIMEOUT_MS: '1000', CONNECTION_TIMEOUT_MS: '3000', KEEP_ALIVE_TIMEOUT_MS: '800' },
    });
  });
  afterEach(() => {
    for (const t of timers.splice(0)) clearInterval(t);
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('answers 408 and closes when the headers arrive but the body stops halfway', async () => {
    const ending = await untilClosed(
      svc.port,
      (socket) => {
        socket.write(`${HEAD}grant_type=refresh_token&client_id=`);
      },
      5_000,
    );
    expect(ending.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ending.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(ending.closedAfterMs).toBeLessThan(3_000);
  });

  it('answers 408 and closes when the body trickles in a byte at a time (activity does not extend the deadline)', async () => {
    const ending = await untilClosed(
      svc.port,
      (socket) => {
        socket.write(HEAD);
        timers.push(setInterval(() => socket.writable && socket.write('a'), 100));
      },
      5_000,
    );
    expect(ending.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ending.closedAfterMs).toBeLessThan(3_000);
  });

  it('answers 408 and closes when the headers themselves never finish', async () => {
    const ending = await untilClosed(
      svc.port,
      (socket) => {
        socket.write('POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        timers.push(setInterval(() => socket.writable && socket.write('x'), 100));
      },
      5_000,
    );
    expect(ending.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ending.closedAfterMs).toBeLessThan(3_000);
  });

  it('closes a connection that never sends a byte', async () => {
    const ending = await untilClosed(svc.port, () => undefined, 6_000);
    expect(ending.closedAfterMs).toBeLessThan(4_500);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS, once its request was answered', async () => {
    const ending = await untilClosed(
      svc.port,
      (socket) => {
        socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      },
      5_000,
    );
    expect(ending.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(ending.received).toMatch(/keep-alive/i);
    expect(ending.closedAfterMs).toBeGreaterThanOrEqual(700);
    expect(ending.closedAfterMs).toBeLessThan(2_500);
  });

  it('still serves a request that arrives within the deadline', async () => {
    const r = await svc.http.get('/health/live');
    expect(r.status).toBe(200);
  });
});

describe('timeouts (sqlite): CONNECTION_TIMEOUT_MS=1000 below REQUEST_TIMEOUT_MS=20000', () => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: { REQUEST_TIMEOUT_MS: '20000', CONNECTION_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('closes a socket that goes silent halfway through its body after CONNECTION_TIMEOUT_MS, long before the request deadline', async () => {
    const ending = await untilClosed(svc.port, (socket) => socket.write(`${HEAD}grant_type=`), 8_000);
    expect(ending.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(ending.closedAfterMs).toBeLessThan(4_000);
  });
});
