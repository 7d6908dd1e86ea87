import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@app/shared';
import { CredentialQueries } from './credential-queries';
import { ReadModel } from './read-model';
import { ReadModelFollower } from './read-model-follower';
import { ReadModelProjection } from './read-model-projection';
import { clientDeleted, clientRegistered, HandMadeLog, tokenIssued } from './testing/credential-events.fixtures';

/** A worker's view (WORKERS > 1): the projector writes the file on one connection, a follower reads it on another. */
describe('a read model followed read-only', () => {
  let dir: string;
  let writer: ReadModel;
  let projection: ReadModelProjection;
  let reader: ReadModel;
  let follower: ReadModelFollower;
  const log = new HandMadeLog();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-follower-'));
    const filename = join(dir, 'read-model.sqlite');
    writer = new ReadModel({ filename });
    projection = new ReadModelProjection(writer, { logger: silentLogger });
    projection.applyBatch([log.record(clientRegistered('client-a'))]);
    reader = ReadModel.openReadOnly(filename);
    follower = new ReadModelFollower(reader, { checkpointName: projection.name });
  });

  afterEach(async () => {
    await follower.stop();
    reader.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves a wait once the projector commits the position, and sees the row', async () => {
    const event = log.record(tokenIssued('dcr_follow'));
    const waited = follower.waitForPosition(event.position, 2_000);
    setTimeout(() => projection.applyBatch([event]), 20);

    await expect(waited).resolves.toBe(true);
    expect(follower.position()).toBe(event.position);
    expect(new CredentialQueries(reader).findById('dcr_follow')).not.toBeNull();
  });

  it('answers false when the projector does not get there in time', async () => {
    await expect(follower.waitForPosition(follower.position() + 100, 30)).resolves.toBe(false);
  });

  it('never serves a client from its cache after the projector deleted it', () => {
    const queries = new CredentialQueries(reader);
    expect(queries.getClient('client-a')).not.toBeNull();

    projection.applyBatch([log.record(clientDeleted('client-a'))]);

    expect(queries.getClient('client-a')).toBeNull();
  });
});
