import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@app/event-store';
import { generateNoteSigner, signNote } from '@app/transparency-log';
import { silentLogger } from '@app/shared';
import { FollowedLog } from './followed-log';
import { logOrigin, VerifiableLog } from './verifiable-log';

const ISSUER = 'https://auth.example.test';

async function writeEvents(store: SqliteEventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const e: NewEvent = { id: randomUUID(), type: 'RefreshTokenIssued', data: { n: i }, metadata: { actor: 'test', occurredAt: new Date().toISOString() } };
    await store.appendToStream(`refreshToken-${randomUUID()}`, [e], { expectedRevision: 'no_stream' });
  }
}

describe('a replica following the signer’s checkpoints (real SQLite logs)', () => {
  let dir: string;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'followed-log-'));
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, events: number): Promise<SqliteEventStore> {
    const store = new SqliteEventStore({ filename: join(dir, `${name}.sqlite`) });
    closers.push(() => store.close());
    await writeEvents(store, events);
    return store;
  }

  async function signed(store: SqliteEventStore): Promise<{ note: string; log: VerifiableLog }> {
    const log = new VerifiableLog({ store, issuer: ISSUER, dataDir: join(dir, 'signer'), logger: silentLogger, minIntervalMs: 0 });
    closers.push(() => log.stop());
    log.start();
    await log.caughtUp;
    await log.signer.signNow();
    return { note: log.signer.latest()!, log };
  }

  async function follower(store: SqliteEventStore, log: VerifiableLog, onInconsistent?: () => void): Promise<FollowedLog> {
    const followed = new FollowedLog({ store, treeFile: join(dir, `replica-${randomUUID()}.sqlite`), verifiers: log.verifiers, logger: silentLogger, onInconsistent });
    closers.push(() => followed.stop());
    followed.start();
    await followed.caughtUp;
    return followed;
  }

  it('serves a checkpoint once its own tree of the same log has that root, and a newer one as the log grows', async () => {
    const store = await open('log', 4);
    const { note, log } = await signed(store);
    const followed = await follower(store, log);
    followed.offer(note);
    expect(followed.latest()).toBe(note);
    expect(followed.status).toEqual({ state: 'following', size: 4 });
    // A newer checkpoint may arrive before this tree has its events: held back until it has them, then served.
    await writeEvents(store, 2);
    await log.caughtUp;
    for (let i = 0; i < 50 && log.tree.size < 6; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await log.signer.signNow();
    const newer = log.signer.latest()!;
    followed.offer(newer);
    for (let i = 0; i < 100 && followed.latest() !== newer; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(followed.status).toEqual({ state: 'following', size: 6 });
  });

  it('ignores a checkpoint signed by another key (anyone who can write to the topic)', async () => {
    const store = await open('log', 3);
    const { log } = await signed(store);
    const followed = await follower(store, log);
    const forged = signNote(`${logOrigin(ISSUER)}\n3\n${log.tree.root().toString('base64')}\n`, [generateNoteSigner(logOrigin(ISSUER))]);
    followed.offer(forged);
    expect(followed.latest()).toBeUndefined();
  });

  it('refuses a signed root its own log does not have: log_inconsistent, nothing served', async () => {
    const signerLog = await open('signer-log', 3);
    const { note, log } = await signed(signerLog);
    // The replica's log differs (a rewrite on one side): same size, other events.
    const replicaLog = await open('replica-log', 3);
    let alarms = 0;
    const followed = await follower(replicaLog, log, () => alarms++);
    followed.offer(note);
    expect(followed.latest()).toBeUndefined();
    expect(followed.status.state).toBe('log_inconsistent');
    expect(alarms).toBe(1);
  });
});
