import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, SQLITE_EVENTS_FILE_NAME, type NewEvent } from '@app/event-store';
import {
  checkExtension,
  consistencyProof,
  inclusionProof,
  leafHash,
  LogInconsistentError,
  openCheckpoint,
  parseVerifierKey,
  verifyInclusion,
} from '@app/transparency-log';
import { silentLogger } from '@app/shared';
import { compareWithRebuiltTree } from './rebuild-check';
import { rechainStream, tamperWithLog } from './testing/tampering';
import { CHECKPOINT_FILE_NAME, TREE_FILE_NAME, VerifiableLog } from './verifiable-log';

const ISSUER = 'https://auth.example.test';

function event(type: string, data: Record<string, unknown>): NewEvent {
  return { id: randomUUID(), type, data, metadata: { actor: 'test', occurredAt: new Date().toISOString() } };
}

/** A few token streams: issued, rotated, one revoked; and a client stream. */
async function writeHistory(store: SqliteEventStore, tokens: number, batch = 'a'): Promise<void> {
  for (let i = 0; i < tokens; i++) {
    const stream = `refreshToken-${batch}-${i}`;
    await store.appendToStream(stream, [event('RefreshTokenIssued', { userId: `user-secret-${i}@example.test` })], { expectedRevision: 'no_stream' });
    await store.appendToStream(stream, [event('RefreshTokenRotated', { generation: 1 })], { expectedRevision: 0 });
    if (i % 3 === 0) await store.appendToStream(stream, [event('RefreshTokenRevoked', { reason: 'logout' })], { expectedRevision: 1 });
  }
  await store.appendToStream(`client-app-${batch}`, [event('ClientRegistered', { name: 'app' })], { expectedRevision: 'no_stream' });
}

describe('the verifiable log over a real SQLite event log', () => {
  let dir: string;
  let store: SqliteEventStore;
  const logs: VerifiableLog[] = [];

  async function startLog(): Promise<VerifiableLog> {
    const log = new VerifiableLog({ store, issuer: ISSUER, dataDir: dir, logger: silentLogger, minIntervalMs: 0 });
    logs.push(log);
    log.start();
    await log.caughtUp;
    return log;
  }

  async function stopAll(): Promise<void> {
    for (const log of logs.splice(0)) await log.stop();
  }

  /** The signed checkpoint at the tree's current size (signed now, not after the interval). */
  async function checkpointOf(log: VerifiableLog): Promise<string> {
    await log.signer.signNow();
    const note = log.signer.latest();
    if (!note) throw new Error('no checkpoint');
    return note;
  }

  /** Restarts the service on the same DATA_DIR, as the attacker does after tampering (the store reopened too). */
  async function restart(options: { forgetTree: boolean }): Promise<VerifiableLog> {
    await stopAll();
    await store.close();
    if (options.forgetTree) {
      rmSync(join(dir, TREE_FILE_NAME), { force: true });
      for (const suffix of ['-wal', '-shm']) rmSync(join(dir, TREE_FILE_NAME + suffix), { force: true });
      rmSync(join(dir, CHECKPOINT_FILE_NAME), { force: true });
    }
    store = new SqliteEventStore({ filename: join(dir, SQLITE_EVENTS_FILE_NAME) });
    return startLog();
  }

  /** What `audit monitor` does with the held checkpoint and the service's answers. */
  function monitor(held: string, log: VerifiableLog, latest: string): void {
    const verifiers = log.verifiers;
    const heldSize = openCheckpoint(held, verifiers).size;
    const newSize = openCheckpoint(latest, verifiers).size;
    const proof = heldSize <= newSize && heldSize <= log.tree.size ? consistencyProof(log.tree, heldSize, newSize) : [];
    checkExtension(held, latest, proof, verifiers);
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verifiable-log-'));
    store = new SqliteEventStore({ filename: join(dir, SQLITE_EVENTS_FILE_NAME) });
    await writeHistory(store, 6);
  });

  afterEach(async () => {
    await stopAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes every event a leaf whose inclusion proof verifies against the signed checkpoint, with no personal data in the leaf', async () => {
    const log = await startLog();
    const note = await checkpointOf(log);
    const checkpoint = openCheckpoint(note, [parseVerifierKey(log.verifiers[0].verifierKey)]);
    expect(checkpoint.origin).toBe('auth.example.test/log');
    expect(checkpoint.size).toBe(6 * 2 + 2 + 1);
    for (let i = 0; i < checkpoint.size; i++) {
      const leaf = log.tree.leaf(i)!;
      expect(leaf.data.toString()).not.toContain('user-secret');
      expect(() => verifyInclusion(i, checkpoint.size, leafHash(leaf.data), inclusionProof(log.tree, i, checkpoint.size), checkpoint.root)).not.toThrow();
    }
    expect(statSync(join(dir, TREE_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys', 'checkpoint-signing.key')).mode & 0o777).toBe(0o600);
  });

  it('extends its checkpoints as events arrive, and keeps its tree and key across a restart', async () => {
    const log = await startLog();
    const first = await checkpointOf(log);
    await writeHistory(store, 2, 'b');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await checkpointOf(log);
    expect(openCheckpoint(second, log.verifiers).size).toBeGreaterThan(openCheckpoint(first, log.verifiers).size);
    expect(() => monitor(first, log, second)).not.toThrow();
    const verifierKey = log.verifiers[0].verifierKey;
    const restarted = await restart({ forgetTree: false });
    expect(restarted.verifiers.map((v) => v.verifierKey)).toEqual([verifierKey]);
    expect(restarted.tree.size).toBe(openCheckpoint(second, log.verifiers).size);
    expect(readFileSync(join(dir, CHECKPOINT_FILE_NAME), 'utf8')).toBe(second);
  });

  describe('tampering with DATA_DIR, caught by a monitor holding an earlier checkpoint', () => {
    let held: string;
    let verifierKey: string;

    beforeEach(async () => {
      const log = await startLog();
      held = await checkpointOf(log);
      verifierKey = log.verifiers[0].verifierKey;
    });

    /** After the tampering, the attacker deletes the derived files, restarts, and the log goes on. */
    async function afterRestart(): Promise<{ log: VerifiableLog; latest: string }> {
      const log = await restart({ forgetTree: true });
      await writeHistory(store, 1, 'c');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { log, latest: await checkpointOf(log) };
    }

    function expectCaught(log: VerifiableLog, latest: string): LogInconsistentError {
      expect(log.verifiers.map((v) => v.verifierKey)).toContain(verifierKey);
      try {
        monitor(held, log, latest);
      } catch (error) {
        expect(error).toBeInstanceOf(LogInconsistentError);
        const inconsistency = error as LogInconsistentError;
        expect(inconsistency.heldNote).toBe(held);
        expect(inconsistency.newNote).toBe(latest);
        return inconsistency;
      }
      throw new Error('the monitor accepted a tampered log');
    }

    it('(a) a deleted RefreshTokenRevoked row with the triggers dropped', async () => {
      tamperWithLog(join(dir, SQLITE_EVENTS_FILE_NAME), (db) => {
        db.prepare("DELETE FROM events WHERE position = (SELECT MIN(position) FROM events WHERE type = 'RefreshTokenRevoked')").run();
      });
      const { log, latest } = await afterRestart();
      expect(expectCaught(log, latest).kind).toBe('rewrite');
    });

    it('(b) an edited event with its stream’s hashes recomputed', async () => {
      tamperWithLog(join(dir, SQLITE_EVENTS_FILE_NAME), (db) => {
        db.prepare("UPDATE events SET data = '{\"reason\":\"never\"}' WHERE stream_id = 'refreshToken-a-0' AND type = 'RefreshTokenRevoked'").run();
        rechainStream(db, 'refreshToken-a-0');
      });
      const { log, latest } = await afterRestart();
      expect(expectCaught(log, latest).kind).toBe('rewrite');
    });

    it('(c) a truncated tail', async () => {
      tamperWithLog(join(dir, SQLITE_EVENTS_FILE_NAME), (db) => {
        db.prepare('DELETE FROM events WHERE position > (SELECT MAX(position) - 4 FROM events)').run();
      });
      const log = await restart({ forgetTree: true });
      const latest = await checkpointOf(log);
      expect(expectCaught(log, latest).kind).toBe('truncation');
    });

    it('(d) a deleted stream', async () => {
      tamperWithLog(join(dir, SQLITE_EVENTS_FILE_NAME), (db) => {
        db.prepare("DELETE FROM events WHERE stream_id = 'refreshToken-a-3'").run();
      });
      const { log, latest } = await afterRestart();
      expect(['rewrite', 'truncation']).toContain(expectCaught(log, latest).kind);
    });

    it('the signer itself refuses to extend its last checkpoint over a rewritten log, and says log_inconsistent', async () => {
      // An edit keeps the size: only the consistency proof can tell (a shorter log would be refused as a truncation).
      tamperWithLog(join(dir, SQLITE_EVENTS_FILE_NAME), (db) => {
        db.prepare("UPDATE events SET data = '{\"reason\":\"never\"}' WHERE stream_id = 'refreshToken-a-3' AND type = 'RefreshTokenRevoked'").run();
        rechainStream(db, 'refreshToken-a-3');
      });
      await stopAll();
      // The attacker rebuilds the tree but the checkpoint file (what the signer last signed) stays.
      rmSync(join(dir, TREE_FILE_NAME), { force: true });
      for (const suffix of ['-wal', '-shm']) rmSync(join(dir, TREE_FILE_NAME + suffix), { force: true });
      let reported = 0;
      await store.close();
      store = new SqliteEventStore({ filename: join(dir, SQLITE_EVENTS_FILE_NAME) });
      const log = new VerifiableLog({ store, issuer: ISSUER, dataDir: dir, logger: silentLogger, minIntervalMs: 0, onInconsistent: () => reported++ });
      logs.push(log);
      log.start();
      await log.caughtUp;
      await writeHistory(store, 1, 'c');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await log.signer.signNow();
      expect(log.signer.status.state).toBe('log_inconsistent');
      expect(reported).toBe(1);
      expect(log.signer.latest()).toBe(held); // the last good checkpoint stays served
      expect(existsSync(join(dir, CHECKPOINT_FILE_NAME))).toBe(true);
    });

    it('audit verify’s rebuild finds a checkpoint the log no longer matches even when the tree file was kept', async () => {
      tamperWithLog(join(dir, SQLITE_EVENTS_FILE_NAME), (db) => {
        db.prepare("DELETE FROM events WHERE position = (SELECT MIN(position) FROM events WHERE type = 'RefreshTokenRevoked')").run();
      });
      const verifiers = [parseVerifierKey(verifierKey)];
      const result = await compareWithRebuiltTree(store, [held], verifiers);
      expect(result.comparisons.map((c) => c.matches)).toEqual([false]);
    });
  });

  it('audit verify’s rebuild matches every checkpoint of an untouched log', async () => {
    const log = await startLog();
    const first = await checkpointOf(log);
    await writeHistory(store, 2, 'b');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await checkpointOf(log);
    const result = await compareWithRebuiltTree(store, [first, second], log.verifiers);
    expect(result.comparisons.map((c) => c.matches)).toEqual([true, true]);
  });
});
