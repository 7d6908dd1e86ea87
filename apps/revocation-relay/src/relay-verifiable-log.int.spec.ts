// The standalone relay signs the verifiable log's checkpoints; a replica (EMBEDDED_RELAY=false) that
// never holds the key serves them from the Kafka topic with proofs from its own tree. Real broker, real
// SQLite log shared by both, the real apps/revocation-relay entry point in a child process.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { formatSignerKey, noteSigner, openCheckpoint, openNote, parseVerifierKey, verifyInclusion } from '@app/transparency-log';
import { FOLLOWED_TREE_FILE_NAME, TreeStore } from '@app/verifiable-log';
import { testBrokers, uniqueTopic, waitFor } from '../../../test/kafka/broker';
import { issue, revoke, testCredential } from '../../../test/kafka/events';
import { RelayProcess } from '../../../test/kafka/relay-process';
import { startTokenService, type TokenServiceUnderTest } from '../../../test/support/token-service';

jest.setTimeout(120_000);

const ISSUER = 'https://relay-log.example.test/';
const ORIGIN = 'relay-log.example.test/log';

function checkpointKey(name: string): { secret: string; verifierKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = noteSigner(name, privateKey);
  return { secret: formatSignerKey(signer, privateKey), verifierKey: signer.verifierKey };
}

describe('verifiable log in the standalone relay, served by a replica without the key', () => {
  let dir: string;
  let store: SqliteEventStore;
  let relay: RelayProcess;
  let replica: TokenServiceUnderTest | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-log-'));
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
  });
  afterAll(async () => {
    await replica?.close();
    await relay?.terminate();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the relay signs; the replica serves that checkpoint and proofs that verify with the relay’s key, and never signs with its own', async () => {
    const relayKey = checkpointKey(ORIGIN);
    // A key the replica is given by mistake: it must never sign with it.
    const replicaKey = checkpointKey(ORIGIN);
    const credential = testCredential();
    await issue(store, credential);
    await revoke(store, credential);
    relay = new RelayProcess({
      DATA_DIR: dir,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_REVOCATIONS_TOPIC: uniqueTopic('relay-log'),
      ISSUER,
      CHECKPOINT_SIGNING_KEY: relayKey.secret,
    });
    await relay.start(60_000);
    const verifiers = [parseVerifierKey(relayKey.verifierKey)];
    const filed = join(dir, 'log-checkpoint.txt');
    await waitFor(() => existsSync(filed) && openCheckpoint(readFileSync(filed, 'utf8'), verifiers).size === 2, 30_000, () => relay.output);

    replica = await startTokenService({
      adapter: 'sqlite',
      dataDir: dir,
      env: {
        EMBEDDED_RELAY: 'false',
        KAFKA_BROKERS: testBrokers().join(','),
        CHECKPOINT_VERIFIER_KEYS: relayKey.verifierKey,
        CHECKPOINT_SIGNING_KEY: replicaKey.secret,
      },
    });
    const token = await replica.managementToken();
    let note = '';
    await waitFor(
      async () => {
        const r = await replica!.http.get('/api/v2/audit/checkpoint', { token });
        note = r.text;
        return r.status === 200 && openCheckpoint(note, verifiers).size >= 2;
      },
      30_000,
      () => note,
    );
    const checkpoint = openCheckpoint(note, verifiers);
    expect(checkpoint.origin).toBe(ORIGIN);
    // One signature, the relay's: the replica's key signed nothing.
    expect(note.trim().split('\n').filter((line) => line.startsWith('\u2014 '))).toHaveLength(1);
    expect(() => openNote(note, [parseVerifierKey(replicaKey.verifierKey)])).toThrow();
    const keys = await replica.http.get('/api/v2/audit/verifier-key', { token });
    expect(keys.text).toBe(`${relayKey.verifierKey}\n`);

    for (let index = 0; index < checkpoint.size; index++) {
      const proof = await replica.http.get<{ leaf_hash: string; hashes: string[] }>(`/api/v2/audit/proofs/inclusion?index=${index}&tree_size=${checkpoint.size}`, { token });
      expect(proof.status).toBe(200);
      const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
      expect(() => verifyInclusion(index, checkpoint.size, b64(proof.body.leaf_hash), proof.body.hashes.map(b64), checkpoint.root)).not.toThrow();
    }
    await replica.close();
    replica = undefined;
    // The replica's own tree holds no checkpoint it signed, and no checkpoint key was generated for it.
    const tree = new TreeStore(join(dir, FOLLOWED_TREE_FILE_NAME));
    try {
      expect(tree.size).toBeGreaterThanOrEqual(2);
      expect(tree.checkpoints()).toEqual([]);
    } finally {
      tree.close();
    }
    expect(existsSync(join(dir, 'keys', 'checkpoint-signing.key'))).toBe(false);
  });
});
