import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@app/event-store';
import { silentLogger } from '@app/shared';
import { CredentialQueries } from './credential-queries';
import { ProjectionRunner } from './projection-runner';
import { ReadModel } from './read-model';
import { ReadModelProjection } from './read-model-projection';
import { rebuild } from './rebuild';
import { clientRegistered, newEvent, sha256, streamOf, tokenIssued } from './testing/credential-events.fixtures';

const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

/** The DPoP binding (F15) in the credential rows: live, rebuilt from zero, and after a schema change. */
describe('read model: the dpop_jkt of a credential', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dpop-read-model-'));
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
    const bound = tokenIssued('dcr_bound');
    for (const body of [clientRegistered('client-a'), { ...bound, data: { ...bound.data, dpopJkt: JKT } }, tokenIssued('dcr_unbound')]) {
      await store.appendToStream(streamOf(body), [newEvent(body)], { expectedRevision: 'no_stream' });
    }
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function project(filename: string): Promise<{ readModel: ReadModel; queries: CredentialQueries; stop: () => Promise<void> }> {
    const readModel = new ReadModel({ filename });
    const runner = new ProjectionRunner(store, new ReadModelProjection(readModel, { logger: silentLogger }), { logger: silentLogger });
    runner.start();
    await runner.caughtUp;
    return { readModel, queries: new CredentialQueries(readModel), stop: async () => (await runner.stop(), readModel.close()) };
  }

  it('projects the thumbprint of a bound token, null for an unbound one, on both read paths', async () => {
    const { queries, stop } = await project(join(dir, 'live.sqlite'));
    expect(queries.findById('dcr_bound')?.dpopJkt).toBe(JKT);
    expect(queries.findById('dcr_unbound')?.dpopJkt).toBeNull();
    expect(queries.findTokenCredentialByHash(sha256('token-of-dcr_bound'))?.dpopJkt).toBe(JKT);
    expect(queries.findTokenCredentialById('dcr_unbound')?.dpopJkt).toBeNull();
    await stop();
  });

  it('gives a model rebuilt from zero the same column, byte for byte', async () => {
    const live = await project(join(dir, 'live.sqlite'));
    const rebuilt = await rebuild(store, ':memory:');
    expect(rebuilt.readModel.snapshot()).toBe(live.readModel.snapshot());
    expect(new CredentialQueries(rebuilt.readModel).findById('dcr_bound')?.dpopJkt).toBe(JKT);
    rebuilt.readModel.close();
    await live.stop();
  });

  it('rebuilds a model of the previous schema (no dpop_jkt column) from the log', async () => {
    const filename = join(dir, 'old.sqlite');
    const old = new Database(filename);
    old.exec('CREATE TABLE credentials (credential_id TEXT PRIMARY KEY); CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);');
    old.prepare('INSERT INTO checkpoints VALUES (?, ?)').run('credentials', 3);
    old.pragma('user_version = 2');
    old.close();

    const { queries, stop } = await project(filename);
    expect(queries.findById('dcr_bound')?.dpopJkt).toBe(JKT);
    await stop();
  });
});
