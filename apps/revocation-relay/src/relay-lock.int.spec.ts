// One standalone relay per DATA_DIR (issue 8, item 9): a second relay process
// on the same DATA_DIR exits non-zero and names the first one's pid. Real
// broker, the real apps/revocation-relay entry point in child processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBrokers, uniqueTopic } from '../../../test/kafka/broker';
import { EntryProcess } from '../../../tools/support/entry-process';

jest.setTimeout(90_000);

describe('revocation-relay process on a DATA_DIR another relay holds', () => {
  let dir: string;
  const relays: EntryProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-lock-'));
  });
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits non-zero naming the pid of the relay that holds it, and leaves that relay running', async () => {
    const env = { DATA_DIR: dir, KAFKA_BROKERS: testBrokers().join(','), KAFKA_REVOCATIONS_TOPIC: uniqueTopic('lock'), ISSUER: 'https://auth.example.test/', EVENT_STORE: 'sqlite', RELAY_STATUS_INTERVAL_MS: '0' };
    const first = new EntryProcess('revocation-relay', env);
    relays.push(first);
    await first.waitForOutput(/revocation relay subscribed/);

    const second = new EntryProcess('revocation-relay', env);
    relays.push(second);

    expect(await second.exitCode()).not.toBe(0);
    expect(second.output).toContain(`pid ${first.pid}`);
    expect(second.output).toMatch(/is in use by another revocation-relay/);
    expect(first.running).toBe(true);
    expect(await first.stop('SIGTERM')).toBe(0);
  });

  it('makes a token-service with the embedded relay on that DATA_DIR exit non-zero naming the standalone relay', async () => {
    const env = { DATA_DIR: dir, KAFKA_BROKERS: testBrokers().join(','), KAFKA_REVOCATIONS_TOPIC: uniqueTopic('lock'), EVENT_STORE: 'sqlite', RELAY_STATUS_INTERVAL_MS: '0' };
    const relay = new EntryProcess('revocation-relay', { ...env, ISSUER: 'https://auth.example.test/' });
    relays.push(relay);
    await relay.waitForOutput(/revocation relay subscribed/);

    const service = new EntryProcess('token-service', { ...env, PORT: '0', HOST: '127.0.0.1', EMBEDDED_RELAY: 'true', LOG_LEVEL: 'warn', MANAGEMENT_CLIENT_ID: undefined, MANAGEMENT_CLIENT_SECRET: undefined, ISSUER: undefined });
    relays.push(service);

    expect(await service.exitCode()).not.toBe(0);
    expect(service.output).toContain(`pid ${relay.pid}`);
    expect(service.output).toMatch(/is in use by another revocation-relay/);
    expect(relay.running).toBe(true);
  });
});
