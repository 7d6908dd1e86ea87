import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultRefreshTokenPolicy, LEGACY_REFRESH_TOKEN_POLICY, type RefreshTokenPolicy } from '@app/clients/refresh-token-policy';
import { silentLogger } from '@app/shared';
import { CredentialQueries } from './credential-queries';
import { ReadModel } from './read-model';
import { ReadModelProjection } from './read-model-projection';
import { clientDeleted, clientRegistered, HandMadeLog } from './testing/credential-events.fixtures';

const rotating: RefreshTokenPolicy = {
  rotationType: 'rotating',
  expirationType: 'expiring',
  leeway: 15,
  tokenLifetime: 604_800,
  infiniteTokenLifetime: false,
  idleTokenLifetime: 86_400,
  infiniteIdleTokenLifetime: false,
};

/** The layout of schema version 2 (before policies): a file a node of the previous release left behind. */
const VERSION_2_CLIENTS = `
CREATE TABLE clients (
  client_id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, app_type TEXT NOT NULL, token_endpoint_auth_method TEXT NOT NULL,
  client_secret_hash TEXT, sealed_client_secret TEXT, jwt_alg TEXT NOT NULL, jwt_lifetime_in_seconds INTEGER NOT NULL,
  grant_types TEXT NOT NULL, allowed_clients TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL, deleted_at TEXT,
  stream_revision INTEGER NOT NULL, stream_head_hash TEXT NOT NULL
) STRICT;
CREATE TABLE checkpoints (name TEXT NOT NULL PRIMARY KEY, position INTEGER NOT NULL) STRICT;
INSERT INTO clients VALUES ('client-old', 'old', 'spa', 'none', NULL, NULL, 'RS256', 36000, '[]', '[]', '2024-01-01T00:00:00.000Z', NULL, 0, 'h');
INSERT INTO checkpoints VALUES ('credentials', 1);
PRAGMA user_version = 2;
`;

describe('read model: a client refresh-token policy and proof of possession', () => {
  let dir: string;
  const events = () => {
    const log = new HandMadeLog();
    return [
      // Registered before policies existed: a spa, yet it keeps the legacy policy (no flag day).
      log.record(clientRegistered('client-old', { appType: 'spa' })),
      log.record(clientRegistered('client-spa', { appType: 'spa', refreshToken: defaultRefreshTokenPolicy('spa'), requireProofOfPossession: false })),
      log.record(clientRegistered('client-pop', { refreshToken: rotating, requireProofOfPossession: true })),
    ];
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-policy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function expectPolicies(queries: CredentialQueries): void {
    expect(queries.getClient('client-old')).toMatchObject({ refreshToken: LEGACY_REFRESH_TOKEN_POLICY, requireProofOfPossession: false });
    expect(queries.getClient('client-spa')).toMatchObject({ refreshToken: defaultRefreshTokenPolicy('spa'), requireProofOfPossession: false });
    expect(queries.getClient('client-pop')).toMatchObject({ refreshToken: rotating, requireProofOfPossession: true });
    // Same creation time: by id.
    expect(queries.listClients().map((c) => [c.clientId, c.refreshToken.rotationType, c.requireProofOfPossession])).toEqual([
      ['client-old', 'non-rotating', false],
      ['client-pop', 'rotating', true],
      ['client-spa', 'rotating', false],
    ]);
  }

  it('records the policy each registration names, and the legacy one when it names none', () => {
    const readModel = new ReadModel({ filename: ':memory:' });
    new ReadModelProjection(readModel, { logger: silentLogger }).applyBatch(events());
    expectPolicies(new CredentialQueries(readModel));
    readModel.close();
  });

  it('the same values from a build from zero (bulk), snapshot for snapshot', () => {
    const live = new ReadModel({ filename: ':memory:' });
    const log = events();
    new ReadModelProjection(live, { logger: silentLogger }).applyBatch(log);
    const bulk = new ReadModel({ filename: join(dir, 'bulk.sqlite'), bulk: true });
    new ReadModelProjection(bulk, { logger: silentLogger }).applyBatch(log);
    expectPolicies(new CredentialQueries(bulk));
    expect(bulk.snapshot()).toBe(live.snapshot());
    live.close();
    bulk.close();
  });

  it('drops a read model of the previous layout and refills it from the log with the policies', () => {
    const filename = join(dir, 'read-model.sqlite');
    const raw = new Database(filename);
    raw.exec(VERSION_2_CLIENTS);
    raw.close();

    const reopened = new ReadModel({ filename });
    expect(reopened.checkpoint('credentials')).toBe(0);
    const queries = new CredentialQueries(reopened);
    expect(queries.getClient('client-old')).toBeNull();
    new ReadModelProjection(reopened, { logger: silentLogger }).applyBatch(events());
    expectPolicies(queries);
    reopened.close();
  });

  it('skips, without stalling, a registration whose policy is malformed', () => {
    const readModel = new ReadModel({ filename: ':memory:' });
    const log = new HandMadeLog();
    const broken = clientRegistered('client-bad', { refreshToken: { rotationType: 'rotating' } as RefreshTokenPolicy });
    new ReadModelProjection(readModel, { logger: silentLogger }).applyBatch([log.record(broken), log.record(clientRegistered('client-ok'))]);
    const queries = new CredentialQueries(readModel);
    expect(queries.getClient('client-bad')).toBeNull();
    expect(queries.getClient('client-ok')?.refreshToken).toEqual(LEGACY_REFRESH_TOKEN_POLICY);
    readModel.close();
  });

  describe('an update', () => {
    const update = (clientId: string, changes: object) => ({ type: 'ClientUpdated', data: { clientId, changes, updatedAt: '2025-03-01T00:00:00.000Z' } });

    it('changes only the fields it names, and the row head', () => {
      const readModel = new ReadModel({ filename: ':memory:' });
      const log = new HandMadeLog();
      const batch = [
        log.record(clientRegistered('client-a', { appType: 'spa', refreshToken: defaultRefreshTokenPolicy('spa'), allowedClients: [] })),
        log.record(update('client-a', { refreshToken: rotating, requireProofOfPossession: true })),
        log.record(update('client-a', { name: 'renamed', grantTypes: ['refresh_token'], allowedClients: ['client-b'] })),
      ];
      new ReadModelProjection(readModel, { logger: silentLogger }).applyBatch(batch);
      const client = new CredentialQueries(readModel).getClient('client-a');
      expect(client).toMatchObject({
        name: 'renamed',
        appType: 'spa',
        grantTypes: ['refresh_token'],
        allowedClients: ['client-b'],
        refreshToken: rotating,
        requireProofOfPossession: true,
        streamRevision: batch[2].revision,
        streamHeadHash: batch[2].hash,
      });
      readModel.close();
    });

    it('leaves a deleted client as it was deleted, and skips an unknown one', () => {
      const readModel = new ReadModel({ filename: ':memory:' });
      const log = new HandMadeLog();
      new ReadModelProjection(readModel, { logger: silentLogger }).applyBatch([
        log.record(clientRegistered('client-a')),
        log.record(clientDeleted('client-a')),
        log.record(update('client-a', { requireProofOfPossession: true })),
        log.record(update('ghost', { requireProofOfPossession: true })),
      ]);
      const queries = new CredentialQueries(readModel);
      expect(queries.getClient('client-a', { includeDeleted: true })).toMatchObject({ requireProofOfPossession: false, refreshToken: LEGACY_REFRESH_TOKEN_POLICY });
      expect(queries.getClient('ghost', { includeDeleted: true })).toBeNull();
      readModel.close();
    });
  });
});
