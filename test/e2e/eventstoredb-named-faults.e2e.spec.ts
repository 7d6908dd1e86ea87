/**
 * EventStoreDB faults are named (issue 8, item 10), on the gRPC TEST DOUBLE of
 * EventStoreDB and its fault switches (a real server cannot be made to refuse
 * or to vanish from here, so with EVENTSTORE_CONNECTION_STRING set this suite
 * is not registered). The start-up cases run the real token-service entry
 * point as a process.
 */
import { rmSync } from 'node:fs';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../tools/eventstoredb-double/eventstoredb-double';
import { EntryProcess } from '../../tools/support/entry-process';
import { createClient, issueRefreshToken } from '../support/fixtures';
import { freePort, REAL_EVENTSTOREDB_CONNECTION_STRING, startTokenService, tempDir, type TokenServiceUnderTest } from '../support/token-service';

jest.setTimeout(60_000);

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function tokenServiceOn(connectionString: string): Promise<EntryProcess> {
  const dataDir = tempDir('esdb-start-');
  dataDirs.push(dataDir);
  return new EntryProcess('token-service', {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    EVENT_STORE: 'eventstoredb',
    EVENTSTORE_CONNECTION_STRING: connectionString,
    EVENTSTORE_OPERATION_TIMEOUT_MS: '1000',
    EMBEDDED_RELAY: 'false',
    KAFKA_BROKERS: undefined,
    MANAGEMENT_CLIENT_ID: undefined,
    MANAGEMENT_CLIENT_SECRET: undefined,
    ISSUER: undefined,
  });
}

if (!REAL_EVENTSTOREDB_CONNECTION_STRING) {
  describe('token-service start against EventStoreDB (process, test double)', () => {
    const processes: EntryProcess[] = [];
    const doubles: EventStoreDbDouble[] = [];
    afterEach(async () => {
      for (const p of processes.splice(0)) await p.stop('SIGKILL');
      for (const d of doubles.splice(0)) await d.stop();
    });

    it.each(['permission_denied', 'unauthenticated'] as const)('stops with a message naming the refused access when EventStoreDB answers %s, instead of retrying', async (refuse) => {
      const double = await startEventStoreDbDouble();
      doubles.push(double);
      double.faults.refuse = refuse;

      const service = await tokenServiceOn(double.connectionString);
      processes.push(service);

      // A refused start: exit 78 and one line naming what to change, no stack trace.
      expect(await service.exitCode(20_000)).toBe(78);
      expect(service.output).toContain('token-service refused to start: EventStoreDB refused access');
      expect(service.output).not.toMatch(/\n\s+at /);
      expect(service.output).toContain('EVENTSTORE_CONNECTION_STRING');
      expect(service.output).not.toMatch(/waiting for EventStoreDB/);
    });

    it('logs "waiting for EventStoreDB at <host:port> (attempt N)" while nothing listens there, then starts once it does', async () => {
      const port = await freePort();
      const service = await tokenServiceOn(`esdb://127.0.0.1:${port}?tls=false`);
      processes.push(service);

      await service.waitForOutput(new RegExp(`waiting for EventStoreDB at 127\\.0\\.0\\.1:${port} \\(attempt 3\\)`));
      const double = await startEventStoreDbDouble({ port });
      doubles.push(double);
      await service.waitForOutput(/listening on/);

      expect(service.output).toMatch(new RegExp(`waiting for EventStoreDB at 127\\.0\\.0\\.1:${port} \\(attempt 1\\)`));
      expect(await service.stop('SIGTERM')).toBe(0);
    });
  });

  describe('token-service on EventStoreDB (test double) while running', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'eventstoredb' });
    });
    afterEach(() => {
      delete svc.double!.faults.omitAppendPosition;
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('answers 201 for a write the server acknowledged without a position, and the write is readable at once', async () => {
      const app = await createClient(svc, { app_type: 'native' });
      svc.double!.faults.omitAppendPosition = true;

      const issued = await issueRefreshToken(svc, { client_id: app.client_id });

      const read = await svc.http.get<{ id: string }>(`/api/v2/refresh-tokens/${issued.id}`, { token: await svc.managementToken() });
      expect(read.status).toBe(200);
      expect(read.body.id).toBe(issued.id);
    });

    it.each(['/health/ready', '/metrics'])('reads the head of $all at most twice for 50 rapid calls of %s', async (path) => {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // let an earlier cached read expire
      const before = svc.double!.calls.allReadsBackwards;

      const answers = [];
      for (let i = 0; i < 25; i++) answers.push(...(await Promise.all([svc.http.get(path), svc.http.get(path)])));

      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(svc.double!.calls.allReadsBackwards - before).toBeGreaterThanOrEqual(1);
      expect(svc.double!.calls.allReadsBackwards - before).toBeLessThanOrEqual(2);
    });
  });
}
