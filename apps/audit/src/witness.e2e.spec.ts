/**
 * `audit witness` and `audit cosign` against a started service (real HTTP,
 * real SQLite): a witness cosigns the service's checkpoint, then a later one
 * only through a consistency proof from the first, and refuses a checkpoint
 * of a rewritten history signed by the service's own key.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALG_COSIGNATURE_V1, formatCheckpoint, generateNoteSigner, openCheckpoint, parseSignerKey, parseVerifierKey, signNote, verifyCosignatures } from '@app/transparency-log';
import { createClient, issueRefreshToken } from '../../../test/support/fixtures';
import { startTokenService, uniqueId, type TokenServiceUnderTest } from '../../../test/support/token-service';
import { auditCli as cli, checkpointAbove } from './testing/audit-cli';
import { startWitnessServer, type WitnessServer } from './witness';

describe('audit witness and audit cosign', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'audit-witness-'));
  const cosigner = generateNoteSigner('witness.example.test/w1', ALG_COSIGNATURE_V1);
  let svc: TokenServiceUnderTest;
  let witness: WitnessServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: { EMBEDDED_RELAY: 'true' } });
    env = { AUDIT_URL: svc.baseUrl, AUDIT_TOKEN: await svc.managementToken() };
    const keys = await cli(env, 'checkpoint', '--verifier-key');
    witness = await startWitnessServer({ stateDir, cosigner, logs: keys.stdout.trim().split('\n').map(parseVerifierKey), port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await witness?.close();
    await svc?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('cosigns the service’s checkpoint, then an extension through a consistency proof; refuses a rewritten history', async () => {
    const client = await createClient(svc, { app_type: 'native' });
    await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    const firstSize = Number((await checkpointAbove(env, 0)).split('\n')[1]);
    const first = await cli(env, 'cosign', '--witness', witness.url, '--witness-key', cosigner.verifierKey);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(verifyCosignatures(first.stdout, [parseVerifierKey(cosigner.verifierKey)])).toHaveLength(1);

    await issueRefreshToken(svc, { client_id: client.client_id, user_id: uniqueId('user') });
    await checkpointAbove(env, firstSize);
    const second = await cli(env, 'cosign', '--witness', witness.url, '--witness-key', cosigner.verifierKey);
    expect(second.code).toBe(0);
    const verifiers = (await cli(env, 'checkpoint', '--verifier-key')).stdout.trim().split('\n').map(parseVerifierKey);
    expect(openCheckpoint(second.stdout, verifiers).size).toBeGreaterThan(firstSize);
    expect(verifyCosignatures(second.stdout, [parseVerifierKey(cosigner.verifierKey)])).toHaveLength(1);

    // The operator rewrites the log and signs the new history with the service's own key: no proof leads there.
    const { signer } = parseSignerKey(readFileSync(join(svc.dataDir, 'keys', 'checkpoint-signing.key'), 'utf8'));
    const held = openCheckpoint(second.stdout, verifiers);
    const forged = signNote(formatCheckpoint({ origin: held.origin, size: held.size, root: Buffer.alloc(32, 7) }), [signer]);
    const refused = await fetch(new URL('add-checkpoint', witness.url), { method: 'POST', body: `old ${held.size}\n\n${forged}` });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toBe(`${held.size}\n`);
  });
});
