/**
 * `audit monitor --kafka`: the checkpoints a started service publishes to the
 * real broker's `refresh-token.audit-checkpoints` topic (shared with other
 * services, whose checkpoints are skipped), each checked as over HTTP; a
 * forked checkpoint signed with the service's own key is caught.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCheckpoint, openCheckpoint, parseSignerKey, parseVerifierKey, signNote } from '@app/transparency-log';
import { KafkaCheckpointPublisher } from '@app/verifiable-log';
import { testBrokers } from '../../../test/kafka/broker';
import { createClient, issueRefreshToken } from '../../../test/support/fixtures';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../test/support/token-service';
import { auditCli as cli, checkpointAbove } from './testing/audit-cli';

jest.setTimeout(120_000);

describe('audit monitor --kafka', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'audit-monitor-kafka-'));
  const brokers = testBrokers().join(',');
  let svc: TokenServiceUnderTest;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: { EMBEDDED_RELAY: 'true', KAFKA_BROKERS: brokers } });
    env = { AUDIT_URL: svc.baseUrl, AUDIT_TOKEN: await svc.managementToken() };
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('checks each published checkpoint by a consistency proof, goes on from where it stopped, and exits 1 on a fork', async () => {
    const client = await createClient(svc, { app_type: 'native' });
    await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    const first = await checkpointAbove(env, 0);
    const firstSize = Number(first.split('\n')[1]);
    // Publishing follows signing: give it a moment to reach the topic.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pinned = await cli(env, 'monitor', '--state', stateDir, '--kafka', brokers, '--once');
    expect(pinned.stderr).toBe('');
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain('pinned ');

    await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    const second = await checkpointAbove(env, firstSize);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const extended = await cli(env, 'monitor', '--state', stateDir, '--kafka', brokers, '--once');
    expect(extended.code).toBe(0);
    const reached = /at size (\d+) extends the held size (\d+)/.exec(extended.stdout);
    expect(Number(reached?.[1])).toBeGreaterThanOrEqual(Number(second.split('\n')[1]));
    expect(extended.stdout).not.toContain('pinned');

    // The operator signs another tree of the same size with the service's key and publishes it.
    const verifiers = (await cli(env, 'checkpoint', '--verifier-key')).stdout.trim().split('\n').map(parseVerifierKey);
    // The monitor now holds the newest checkpoint it read; fork that one.
    const held = openCheckpoint(readFileSync(join(stateDir, 'checkpoint'), 'utf8'), verifiers);
    const { signer } = parseSignerKey(readFileSync(join(svc.dataDir, 'keys', 'checkpoint-signing.key'), 'utf8'));
    const forged = signNote(formatCheckpoint({ origin: held.origin, size: held.size, root: Buffer.alloc(32, 9) }), [signer]);
    const publisher = new KafkaCheckpointPublisher(testBrokers(), held.origin);
    await publisher.publish(forged);
    await publisher.close();
    const caught = await cli(env, 'monitor', '--state', stateDir, '--kafka', brokers, '--once');
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(/FORK|TRUNCATION/);
    expect(caught.stderr).toContain(forged);
  });
});
