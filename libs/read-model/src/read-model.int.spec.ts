import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ReadModelProjection } from './read-model-projection';
import { silentLogger } from '@app/shared';
import { ReadModel } from './read-model';
import { READ_MODEL_SCHEMA_VERSION } from './read-model.schema';
import { clientRegistered, HandMadeLog, tokenIssued } from './testing/credential-events.fixtures';

describe('ReadModel file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens in WAL mode and keeps rows and checkpoint across reopen', () => {
    const filename = join(dir, 'nested', 'read-model.sqlite');
    const first = new ReadModel({ filename });
    const log = new HandMadeLog();
    new ReadModelProjection(first, { logger: silentLogger }).applyBatch([log.record(clientRegistered('client-a')), log.record(tokenIssued('dcr_1'))]);
    const snapshot = first.snapshot();
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    first.close();

    const reopened = new ReadModel({ filename });

    expect(reopened.checkpoint('credentials')).toBe(2);
    expect(reopened.snapshot()).toBe(snapshot);
    reopened.close();
  });

  it('drops a file of another schema version, so the projection rebuilds it from the log', () => {
    const filename = join(dir, 'read-model.sqlite');
    const first = new ReadModel({ filename });
    new ReadModelProjection(first, { logger: silentLogger }).apply(new HandMadeLog().record(clientRegistered('client-a')));
    first.close();
    const raw = new Database(filename);
    raw.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION + 1}`);
    raw.close();

    const reopened = new ReadModel({ filename });

    expect(reopened.checkpoint('credentials')).toBe(0);
    expect(reopened.snapshot()).toBe('# checkpoints\n# client_grants\n# clients\n# credentials\n# spent_token_hashes\n');
    reopened.close();
  });
});
