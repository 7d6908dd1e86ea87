// One standalone relay per DATA_DIR (issue 8, item 9): a second relay process
// on the same DATA_DIR exits non-zero and names the first one's pid. Real
// broker, the real apps/revocation-relay entry point in child processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBrokers, uniqueTopic } from '../../../test/kafka/broker';
import { EntryProcess } from '../../../test/support/entry-process';

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
});
