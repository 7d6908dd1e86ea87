import { ReadModelProjection } from './read-model-projection';
import { CredentialQueries, USERS_BY_PREFIX } from './credential-queries';
import { silentLogger } from '@app/shared';
import { ReadModel } from './read-model';
import { credentialValidity } from '@app/refresh-tokens';
import { clientDeleted, clientRegistered, HandMadeLog, sha256, tokenIssued, tokenRevoked } from './testing/credential-events.fixtures';
import { findValidByTokenHash } from './testing/valid-credential';

describe('CredentialQueries', () => {
  let readModel: ReadModel;
  let queries: CredentialQueries;
  let projection: ReadModelProjection;
  let log: HandMadeLog;

  beforeEach(() => {
    readModel = new ReadModel({ filename: ':memory:' });
    projection = new ReadModelProjection(readModel, { logger: silentLogger });
    log = new HandMadeLog();
    // user-1: dcr_01..dcr_05 on client-a (dcr_03 revoked), dcr_06 on client-b device-2; user-2: dcr_07 on client-a.
    const events = [
      clientRegistered('client-a'),
      clientRegistered('client-b'),
      ...[1, 2, 3, 4, 5].map((n) => tokenIssued(`dcr_0${n}`, { clientId: 'client-a' })),
      tokenIssued('dcr_06', { clientId: 'client-b', deviceId: 'device-2' }),
      tokenIssued('dcr_07', { clientId: 'client-a', userId: 'user-2' }),
      tokenRevoked('dcr_03', { clientId: 'client-a' }),
    ];
    projection.applyBatch(events.map((e) => log.record(e)));
    queries = new CredentialQueries(readModel);
  });

  afterEach(() => readModel.close());

  describe('listValidDeviceCredentials (GET /api/v2/device-credentials)', () => {
    it('lists only valid credentials in issue order, with the total over all pages', () => {
      const first = queries.listValidDeviceCredentials({ page: 0, perPage: 4 });
      const second = queries.listValidDeviceCredentials({ page: 1, perPage: 4 });

      expect(first.credentials.map((c) => c.credentialId)).toEqual(['dcr_01', 'dcr_02', 'dcr_04', 'dcr_05']);
      expect(second.credentials.map((c) => c.credentialId)).toEqual(['dcr_06', 'dcr_07']);
      expect(first.total).toBe(6);
      expect(second.total).toBe(6);
    });

    it('filters by user and by client', () => {
      const byUser = queries.listValidDeviceCredentials({ userId: 'user-1', page: 0, perPage: 100 });
      const byBoth = queries.listValidDeviceCredentials({ userId: 'user-1', clientId: 'client-b', page: 0, perPage: 100 });
      const byClient = queries.listValidDeviceCredentials({ clientId: 'client-a', page: 0, perPage: 100 });

      expect(byUser.total).toBe(5);
      expect(byBoth.credentials.map((c) => c.credentialId)).toEqual(['dcr_06']);
      expect(byClient.credentials.map((c) => c.credentialId)).toEqual(['dcr_01', 'dcr_02', 'dcr_04', 'dcr_05', 'dcr_07']);
    });

    it('refuses a per-page above 1000 or a negative page with INVALID_PAGINATION', () => {
      expect(() => queries.listValidDeviceCredentials({ page: 0, perPage: 1001 })).toThrow(expect.objectContaining({ code: 'INVALID_PAGINATION' }));
      expect(() => queries.listValidDeviceCredentials({ page: -1, perPage: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_PAGINATION' }));
    });
  });

  describe('listByUser (GET /api/v2/users/{id}/refresh-tokens)', () => {
    it('pages through the valid tokens with the next cursor, null on the last page', () => {
      const pages: string[][] = [];
      let from: string | undefined;
      for (;;) {
        const page = queries.listByUser('user-1', { from, take: 2 });
        pages.push(page.tokens.map((t) => t.credentialId));
        if (page.next === null) break;
        from = page.next;
      }

      expect(pages).toEqual([['dcr_01', 'dcr_02'], ['dcr_04', 'dcr_05'], ['dcr_06']]);
    });

    it('returns next null when the page holds exactly the rest', () => {
      expect(queries.listByUser('user-2', { take: 1 })).toEqual({ tokens: [expect.objectContaining({ credentialId: 'dcr_07' })], next: null });
    });

    it('keeps a cursor usable when its credential was revoked meanwhile', () => {
      expect(queries.listByUser('user-1', { from: 'dcr_03', take: 10 }).tokens.map((t) => t.credentialId)).toEqual(['dcr_04', 'dcr_05', 'dcr_06']);
    });

    it('refuses a cursor that names no token of this user with INVALID_CURSOR', () => {
      expect(() => queries.listByUser('user-1', { from: 'dcr_07', take: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
      expect(() => queries.listByUser('user-1', { from: 'nope', take: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
    });
  });

  describe('a user\'s tokens with revoked ones (include_revoked)', () => {
    it('lists the revoked token in its place, by checkpoint and by offset page, with the total', () => {
      expect(queries.listByUser('user-1', { take: 3, includeRevoked: true })).toEqual({
        tokens: ['dcr_01', 'dcr_02', 'dcr_03'].map((credentialId) => expect.objectContaining({ credentialId })),
        next: 'dcr_03',
      });
      const page = queries.listUserTokens('user-1', { page: 1, perPage: 2, includeRevoked: true });
      expect(page.tokens.map((t) => [t.credentialId, t.revokedAt !== null])).toEqual([
        ['dcr_03', true],
        ['dcr_04', false],
      ]);
      expect(page.total).toBe(6);
    });

    it('leaves revoked tokens out of offset pages by default', () => {
      const page = queries.listUserTokens('user-1', { page: 0, perPage: 10 });
      expect({ ids: page.tokens.map((t) => t.credentialId), total: page.total }).toEqual({ ids: ['dcr_01', 'dcr_02', 'dcr_04', 'dcr_05', 'dcr_06'], total: 5 });
    });

    it('refuses a per-page above 1000 or a negative page with INVALID_PAGINATION', () => {
      expect(() => queries.listUserTokens('user-1', { page: 0, perPage: 1001 })).toThrow(expect.objectContaining({ code: 'INVALID_PAGINATION' }));
      expect(() => queries.listUserTokens('user-1', { page: -1, perPage: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_PAGINATION' }));
    });
  });

  describe('ids for bulk revoke', () => {
    it('selects a user\'s unrevoked credentials, optionally by client and device', () => {
      expect(queries.validCredentialIds({ userId: 'user-1' })).toEqual(['dcr_01', 'dcr_02', 'dcr_04', 'dcr_05', 'dcr_06']);
      expect(queries.validCredentialIds({ userId: 'user-1', clientId: 'client-b' })).toEqual(['dcr_06']);
      expect(queries.validCredentialIds({ userId: 'user-1', deviceId: 'device-2' })).toEqual(['dcr_06']);
      expect(queries.validCredentialIds({ userId: 'user-1', clientId: 'client-a', deviceId: 'device-2' })).toEqual([]);
      expect(queries.validCredentialIds({ userId: 'nobody' })).toEqual([]);
    });

    it('selects a client\'s unrevoked credentials', () => {
      expect(queries.validCredentialIdsOfClient('client-a')).toEqual(['dcr_01', 'dcr_02', 'dcr_04', 'dcr_05', 'dcr_07']);
    });
  });

  describe('findById', () => {
    it('returns a revoked credential too; null for an unknown id', () => {
      expect(queries.findById('dcr_03')?.revokedAt).not.toBeNull();
      expect(queries.findById('nope')).toBeNull();
    });
  });

  describe('getClient from memory', () => {
    it('given a client already read, when its deletion is projected, then the next read answers null (deleted with includeDeleted)', () => {
      expect(queries.getClient('client-a')?.deletedAt).toBeNull();
      projection.applyBatch([log.record(clientDeleted('client-a'))]);
      expect(queries.getClient('client-a')).toBeNull();
      expect(queries.getClient('client-a', { includeDeleted: true })?.deletedAt).not.toBeNull();
    });

    it('given an unknown id read once, when that client is registered, then the next read finds it', () => {
      expect(queries.getClient('client-new')).toBeNull();
      projection.applyBatch([log.record(clientRegistered('client-new'))]);
      expect(queries.getClient('client-new')?.clientId).toBe('client-new');
    });

    it('hands out frozen records, so no caller can change what the next request reads', () => {
      const client = queries.getClient('client-a')!;
      expect(Object.isFrozen(client) && Object.isFrozen(client.jwtConfiguration) && Object.isFrozen(client.grantTypes)).toBe(true);
      expect(queries.getClient('client-a')).toBe(client);
    });
  });

  describe('findTokenCredentialByHash and findTokenCredentialById', () => {
    it('return the columns the OAuth endpoints need, revoked too; null when unknown', () => {
      const byHash = queries.findTokenCredentialByHash(sha256('token-of-dcr_03'));
      expect(byHash).toEqual({
        credentialId: 'dcr_03',
        clientId: 'client-a',
        userId: 'user-1',
        scope: expect.any(String),
        revokedAt: expect.any(String),
        dpopJkt: null,
        issuedAt: expect.any(String),
        generation: 0,
        presentedGeneration: 0,
        lastExchangedAt: null,
        expiresAt: null,
        idleExpiresAt: null,
      });
      expect(byHash?.scope).toBe(queries.findById('dcr_03')?.scope);
      expect(queries.findTokenCredentialById('dcr_06')).toMatchObject({ credentialId: 'dcr_06', clientId: 'client-b', revokedAt: null });
      expect(queries.findTokenCredentialByHash(sha256('no such token'))).toBeNull();
      expect(queries.findTokenCredentialById('nope')).toBeNull();
    });
  });

  it('answers the hot lookups from indexes, not table scans', () => {
    const plan = (sql: string): string =>
      readModel.db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join('; ');

    expect(plan(`SELECT * FROM credentials cr WHERE cr.token_hash = 'x' AND cr.revoked_at IS NULL`)).toMatch(/USING INDEX/);
    expect(plan(`SELECT * FROM credentials WHERE user_id = 'u' AND revoked_at IS NULL AND issued_position > 0 ORDER BY issued_position`)).toMatch(
      /credentials_valid_by_user_position/,
    );
    expect(plan(`SELECT credential_id FROM credentials WHERE client_id = 'c' AND revoked_at IS NULL ORDER BY issued_position`)).toMatch(
      /credentials_valid_by_client_position/,
    );
  });

  describe('searchUsers (GET /api/v2/users?q=)', () => {
    function seedUsers(...userIds: string[]) {
      projection.applyBatch(userIds.map((userId, n) => log.record(tokenIssued(`dcr_u${n}`, { clientId: 'client-a', userId }))));
    }

    it('finds a user by the start of the id or of the part after the connection, each user once', () => {
      seedUsers('auth0|alice', 'auth0|alice', 'google-oauth2|alicia', 'auth0|bob', 'alfred', 'auth0|malice');
      expect(queries.searchUsers('ali', 10).map((u) => u.userId)).toEqual(['auth0|alice', 'google-oauth2|alicia']);
      expect(queries.searchUsers('auth0|', 10).map((u) => u.userId)).toEqual(['auth0|alice', 'auth0|bob', 'auth0|malice']);
      expect(queries.searchUsers('al', 10).map((u) => u.userId)).toEqual(['alfred', 'auth0|alice', 'google-oauth2|alicia']);
      expect(queries.searchUsers('zed', 10)).toEqual([]);
      expect(queries.searchUsers('', 10)).toEqual([]);
    });

    it('counts valid tokens, and still finds a user whose tokens are all revoked', () => {
      expect(queries.searchUsers('user-', 10)).toEqual([
        { userId: 'user-1', validTokens: 5, lastIssuedAt: expect.any(String) },
        { userId: 'user-2', validTokens: 1, lastIssuedAt: expect.any(String) },
      ]);
      projection.applyBatch([log.record(tokenRevoked('dcr_07', { clientId: 'client-a', userId: 'user-2' }))]);
      expect(queries.searchUsers('user-2', 10)).toEqual([{ userId: 'user-2', validTokens: 0, lastIssuedAt: expect.any(String) }]);
    });

    it('takes % and _ literally (no LIKE wildcard reaches SQLite)', () => {
      seedUsers('auth0|a_b', 'auth0|axb', 'auth0|100%', 'auth0|1000');
      expect(queries.searchUsers('a_', 10).map((u) => u.userId)).toEqual(['auth0|a_b']);
      expect(queries.searchUsers('100%', 10).map((u) => u.userId)).toEqual(['auth0|100%']);
      expect(queries.searchUsers('%', 10)).toEqual([]);
    });

    it('answers at most the limit, in id order, and refuses a limit out of 1-50', () => {
      seedUsers(...Array.from({ length: 12 }, (_, n) => `auth0|u${String(n).padStart(2, '0')}`));
      expect(queries.searchUsers('u', 5).map((u) => u.userId)).toEqual(['auth0|u00', 'auth0|u01', 'auth0|u02', 'auth0|u03', 'auth0|u04']);
      expect(() => queries.searchUsers('u', 51)).toThrow(expect.objectContaining({ code: 'INVALID_PAGINATION' }));
      expect(() => queries.searchUsers('u', 0)).toThrow(expect.objectContaining({ code: 'INVALID_PAGINATION' }));
    });

    it('reads both prefixes through an index, never a scan of the credentials', () => {
      const plan = readModel.db
        .prepare<[{ prefix: string; upper: string; limit: number }], { detail: string }>(`EXPLAIN QUERY PLAN ${USERS_BY_PREFIX}`)
        .all({ prefix: 'a', upper: 'a\u{10FFFF}', limit: 10 })
        .map((row) => row.detail);
      expect(plan).toEqual(expect.arrayContaining([expect.stringContaining('USING COVERING INDEX credentials_by_user'), expect.stringContaining('USING COVERING INDEX credentials_by_user_local_part')]));
      expect(plan.filter((d) => /^SCAN credentials/.test(d) && !/INDEX/.test(d))).toEqual([]);
    });
  });
});

describe('the read model\'s "valid" and the domain\'s credentialValidity', () => {
  const combinations: Array<[boolean, 'active' | 'deleted' | 'none']> = [
    [false, 'active'],
    [false, 'deleted'],
    [false, 'none'],
    [true, 'active'],
    [true, 'deleted'],
    [true, 'none'],
  ];

  it.each(combinations)('agree for a token revoked=%s of a client in state %s', (revoked, client) => {
    const readModel = new ReadModel({ filename: ':memory:' });
    try {
      const log = new HandMadeLog();
      const events = [
        ...(client !== 'none' ? [clientRegistered('client-a')] : []),
        ...(client === 'deleted' ? [clientDeleted('client-a')] : []),
        tokenIssued('dcr_1', { clientId: 'client-a' }),
        ...(revoked ? [tokenRevoked('dcr_1', { clientId: 'client-a' })] : []),
      ];
      new ReadModelProjection(readModel, { logger: silentLogger }).applyBatch(events.map((e) => log.record(e)));
      const queries = new CredentialQueries(readModel);
      const record = queries.findById('dcr_1')!;

      const domainSays = credentialValidity(revoked ? 'revoked' : 'active', client) === 'valid';
      expect(findValidByTokenHash(queries, record.tokenHash) !== null).toBe(domainSays);
      expect(queries.listValidDeviceCredentials({ page: 0, perPage: 10 }).total === 1).toBe(domainSays);
    } finally {
      readModel.close();
    }
  });

});
