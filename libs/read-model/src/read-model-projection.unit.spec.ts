import type { RecordedEvent } from '@app/event-store';
import { ReadModelProjection } from './read-model-projection';
import { CredentialQueries } from './credential-queries';
import type { Logger } from '@app/shared';
import { ReadModel } from './read-model';
import {
  clientDeleted,
  clientRegistered,
  grantCreated,
  grantDeleted,
  HandMadeLog,
  sha256,
  tokenIssued,
  tokenRevoked,
} from './testing/credential-events.fixtures';
import { findValidByTokenHash } from './testing/valid-credential';

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  details: object;
}

function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (details, message) => entries.push({ level: 'info', message, details }),
    warn: (details, message) => entries.push({ level: 'warn', message, details }),
    error: (details, message) => entries.push({ level: 'error', message, details }),
  };
}

describe('ReadModelProjection', () => {
  let readModel: ReadModel;
  let projection: ReadModelProjection;
  let queries: CredentialQueries;
  let log: HandMadeLog;
  let logger: ReturnType<typeof recordingLogger>;

  /** given: these events were recorded and applied, one transaction each. */
  function given(...events: Array<{ type: string; data: object }>): RecordedEvent[] {
    return events.map((body) => {
      const event = log.record(body);
      projection.apply(event);
      return event;
    });
  }

  beforeEach(() => {
    readModel = new ReadModel({ filename: ':memory:' });
    logger = recordingLogger();
    projection = new ReadModelProjection(readModel, { logger });
    queries = new CredentialQueries(readModel);
    log = new HandMadeLog();
  });

  afterEach(() => {
    readModel.close();
  });

  describe('when a refresh token is issued', () => {
    it('stores the credential as valid and advances the checkpoint to the event', () => {
      const [, issued] = given(clientRegistered('client-a'), tokenIssued('dcr_1'));

      const found = findValidByTokenHash(queries, sha256('token-of-dcr_1'));
      expect(found).toEqual({
        credentialId: 'dcr_1',
        tokenHash: sha256('token-of-dcr_1'),
        clientId: 'client-a',
        userId: 'user-1',
        deviceId: 'device-1',
        deviceName: 'phone',
        scope: 'openid offline_access',
        issuedAt: '2025-01-01T00:00:00.000Z',
        dpopJkt: null,
        issuedPosition: issued.position,
        generation: 0,
        rotatedAt: null,
        lastExchangedAt: null,
        expiresAt: null,
        idleExpiresAt: null,
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
        revokedPosition: null,
        streamRevision: 0,
        streamHeadHash: issued.hash,
      });
      expect(projection.position()).toBe(issued.position);
      expect(readModel.checkpoint('credentials')).toBe(issued.position);
    });

    it('does not validate a token of a client the model does not know', () => {
      given(tokenIssued('dcr_1', { clientId: 'ghost' }));

      expect(findValidByTokenHash(queries, sha256('token-of-dcr_1'))).toBeNull();
      expect(queries.findById('dcr_1')?.clientId).toBe('ghost');
    });

    it('keeps the first issuance when the same credential is issued twice, and moves the stream head', () => {
      given(clientRegistered('client-a'), tokenIssued('dcr_1'));
      const again = log.record(tokenIssued('dcr_1', { userId: 'someone-else' }));

      expect(projection.apply(again)).toBe('applied');

      const row = queries.findById('dcr_1');
      expect(row?.userId).toBe('user-1');
      expect(row?.streamRevision).toBe(1);
      expect(row?.streamHeadHash).toBe(again.hash);
      expect(logger.entries.some((e) => e.level === 'warn' && /repeated issuance/.test(e.message))).toBe(true);
    });

    it('skips an issuance whose token hash already names another credential', () => {
      given(clientRegistered('client-a'), tokenIssued('dcr_1'));
      const clash = tokenIssued('dcr_2');
      clash.data.tokenHash = sha256('token-of-dcr_1');

      const [event] = given(clash);

      expect(queries.findById('dcr_2')).toBeNull();
      expect(findValidByTokenHash(queries, sha256('token-of-dcr_1'))?.credentialId).toBe('dcr_1');
      expect(projection.position()).toBe(event.position);
      expect(logger.entries.some((e) => e.level === 'error')).toBe(true);
    });
  });

  describe('when a refresh token is revoked', () => {
    it('stops validating it and records who, why, when and where in the log', () => {
      const [, , revoked] = given(
        clientRegistered('client-a'),
        tokenIssued('dcr_1'),
        tokenRevoked('dcr_1', { reason: 'lost phone', revokedBy: 'mgmt-client', revokedAt: '2025-02-02T00:00:00.000Z' }),
      );

      expect(findValidByTokenHash(queries, sha256('token-of-dcr_1'))).toBeNull();
      expect(queries.findById('dcr_1')).toMatchObject({
        revokedAt: '2025-02-02T00:00:00.000Z',
        revokedBy: 'mgmt-client',
        revokeReason: 'lost phone',
        revokedPosition: revoked.position,
        streamRevision: 1,
        streamHeadHash: revoked.hash,
      });
    });

    it('keeps the first revocation when revoked twice (revocation is final), but follows the stream head', () => {
      const [, , first] = given(clientRegistered('client-a'), tokenIssued('dcr_1'), tokenRevoked('dcr_1', { reason: 'first', revokedBy: 'a' }));
      const [second] = given(tokenRevoked('dcr_1', { reason: 'second', revokedBy: 'b', revokedAt: '2030-01-01T00:00:00.000Z' }));

      expect(queries.findById('dcr_1')).toMatchObject({
        revokeReason: 'first',
        revokedBy: 'a',
        revokedPosition: first.position,
        streamRevision: 2,
        streamHeadHash: second.hash,
      });
      expect(projection.position()).toBe(second.position);
    });

    it('logs and skips the revocation of an unknown credential, and still advances the checkpoint', () => {
      const unknown = log.record(tokenRevoked('dcr_nobody'));

      expect(projection.apply(unknown)).toBe('skipped');

      expect(queries.findById('dcr_nobody')).toBeNull();
      expect(projection.position()).toBe(unknown.position);
      expect(readModel.checkpoint('credentials')).toBe(unknown.position);
      expect(logger.entries).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringMatching(/unknown credential/), details: expect.objectContaining({ credentialId: 'dcr_nobody' }) }),
      ]);
    });
  });

  describe('when a client is deleted', () => {
    it('its tokens stop validating at once, before any revocation lands', () => {
      given(
        clientRegistered('client-a'),
        clientRegistered('client-b'),
        tokenIssued('dcr_a1', { clientId: 'client-a' }),
        tokenIssued('dcr_a2', { clientId: 'client-a', userId: 'user-2' }),
        tokenIssued('dcr_b1', { clientId: 'client-b' }),
        clientDeleted('client-a'),
      );

      expect(findValidByTokenHash(queries, sha256('token-of-dcr_a1'))).toBeNull();
      expect(findValidByTokenHash(queries, sha256('token-of-dcr_b1'))?.credentialId).toBe('dcr_b1');
      expect(queries.listValidDeviceCredentials({ page: 0, perPage: 50 }).credentials.map((c) => c.credentialId)).toEqual(['dcr_b1']);
      expect(queries.listByUser('user-1', { take: 10 }).tokens.map((c) => c.credentialId)).toEqual(['dcr_b1']);
      expect(queries.getClient('client-a')).toBeNull();
      expect(queries.getClient('client-a', { includeDeleted: true })?.deletedAt).toBe('2025-01-01T00:00:00.000Z');
      expect(queries.listClients().map((c) => c.clientId)).toEqual(['client-b']);
      // The cascade still finds them, and resumes after a crash from this list.
      expect(queries.validCredentialIdsOfClient('client-a')).toEqual(['dcr_a1', 'dcr_a2']);
      expect(queries.deletedClientsWithValidTokens()).toEqual(['client-a']);
    });

    it('leaves the cascade list once every token of the deleted client is revoked', () => {
      given(clientRegistered('client-a'), tokenIssued('dcr_a1'), clientDeleted('client-a'), tokenRevoked('dcr_a1', { reason: 'client_deleted', revokedBy: 'system' }));

      expect(queries.deletedClientsWithValidTokens()).toEqual([]);
      expect(queries.validCredentialIdsOfClient('client-a')).toEqual([]);
    });

    it('logs and skips the deletion of an unknown client', () => {
      const [event] = given(clientDeleted('ghost'));

      expect(queries.getClient('ghost', { includeDeleted: true })).toBeNull();
      expect(projection.position()).toBe(event.position);
      expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
    });
  });

  describe('client grants', () => {
    it('lists active grants by client and audience, and drops deleted ones', () => {
      given(
        clientRegistered('mgmt'),
        grantCreated('cgr_1', 'mgmt', 'https://issuer/api/v2/', ['read:clients', 'delete:refresh_tokens']),
        grantCreated('cgr_2', 'mgmt', 'https://other/', ['x']),
        grantCreated('cgr_3', 'other-client', 'https://issuer/api/v2/', ['read:clients']),
        grantDeleted('cgr_3', 'other-client'),
      );

      expect(queries.listClientGrants({ clientId: 'mgmt', audience: 'https://issuer/api/v2/' })).toEqual([
        expect.objectContaining({ grantId: 'cgr_1', scope: ['read:clients', 'delete:refresh_tokens'], deletedAt: null, streamRevision: 0 }),
      ]);
      expect(queries.listClientGrants().map((g) => g.grantId)).toEqual(['cgr_1', 'cgr_2']);
      expect(queries.getClientGrant('cgr_3')).toBeNull();
      expect(queries.getClientGrant('cgr_2')?.audience).toBe('https://other/');
    });

    it("stops listing a deleted client's grants (they no longer count for anything)", () => {
      given(
        clientRegistered('mgmt'),
        clientRegistered('gone'),
        grantCreated('cgr_1', 'mgmt', 'https://issuer/api/v2/', ['read:clients']),
        grantCreated('cgr_2', 'gone', 'https://issuer/api/v2/', ['read:clients']),
        clientDeleted('gone'),
      );

      expect(queries.listClientGrants({ audience: 'https://issuer/api/v2/' }).map((g) => g.grantId)).toEqual(['cgr_1']);
      expect(queries.listClientGrants({ clientId: 'gone' })).toEqual([]);
      expect(queries.getClientGrant('cgr_2')).toBeNull();
    });
  });

  describe('clients', () => {
    it('returns the Auth0 client fields in camelCase', () => {
      given(
        clientRegistered('client-hs', {
          appType: 'regular_web',
          tokenEndpointAuthMethod: 'client_secret_post',
          clientSecretHash: 'scrypt$abc',
          sealedClientSecret: 'sealed',
          jwtConfiguration: { alg: 'HS256', lifetimeInSeconds: 600 },
          grantTypes: ['client_credentials'],
        }),
      );

      expect(queries.getClient('client-hs')).toEqual(
        expect.objectContaining({
          clientId: 'client-hs',
          appType: 'regular_web',
          tokenEndpointAuthMethod: 'client_secret_post',
          clientSecretHash: 'scrypt$abc',
          sealedClientSecret: 'sealed',
          jwtConfiguration: { alg: 'HS256', lifetimeInSeconds: 600 },
          grantTypes: ['client_credentials'],
          deletedAt: null,
        }),
      );
    });
  });

  describe('events it cannot apply (never rejected, style.md §10)', () => {
    it('skips an unknown event type and still advances the checkpoint', () => {
      const other = log.record({ type: 'SigningKeyRotated', data: { kid: 'k1' } }, { streamId: 'client-x' });

      expect(projection.apply(other)).toBe('skipped');
      expect(projection.position()).toBe(other.position);
    });

    it('skips malformed data with an error log', () => {
      const bad = log.record({ type: 'RefreshTokenIssued', data: { credentialId: 'dcr_1', tokenHash: 42 } }, { streamId: 'refreshToken-dcr_1' });

      expect(projection.apply(bad)).toBe('skipped');
      expect(queries.findById('dcr_1')).toBeNull();
      expect(projection.position()).toBe(bad.position);
      expect(logger.entries.map((e) => e.level)).toEqual(['error']);
    });

    it('skips an event that names an entity of another stream', () => {
      given(clientRegistered('client-a'), tokenIssued('dcr_1'));
      const misplaced = log.record(tokenRevoked('dcr_1'), { streamId: 'refreshToken-dcr_2' });

      expect(projection.apply(misplaced)).toBe('skipped');
      expect(queries.findById('dcr_1')?.revokedAt).toBeNull();
    });
  });

  describe('exactly once (invariant 7)', () => {
    it('ignores an event at or below the checkpoint', () => {
      const [, issued, revoked] = given(clientRegistered('client-a'), tokenIssued('dcr_1'), tokenRevoked('dcr_1', { reason: 'first' }));
      const before = readModel.snapshot();

      expect(projection.apply(issued)).toBe('duplicate');
      expect(projection.apply(revoked)).toBe('duplicate');

      expect(readModel.snapshot()).toBe(before);
      expect(projection.position()).toBe(revoked.position);
      expect(logger.entries).toEqual([]);
    });

    it('counts duplicates in a batch and applies only what is new', () => {
      const events = [clientRegistered('client-a'), tokenIssued('dcr_1'), tokenIssued('dcr_2')].map((e) => log.record(e));
      projection.applyBatch(events.slice(0, 2));

      const result = projection.applyBatch(events);

      expect(result).toEqual({ applied: 1, skipped: 0, duplicates: 2, position: events[2].position });
    });

    it('rolls back the read-model change when the checkpoint write fails, and moves neither', () => {
      given(clientRegistered('client-a'));
      const checkpointBefore = projection.position();
      const snapshotBefore = readModel.snapshot();
      readModel.db.exec(`CREATE TRIGGER fail_checkpoint BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
      const issued = log.record(tokenIssued('dcr_1'));

      expect(() => projection.apply(issued)).toThrow(/disk on fire/);

      readModel.db.exec('DROP TRIGGER fail_checkpoint');
      expect(readModel.snapshot()).toBe(snapshotBefore);
      expect(queries.findById('dcr_1')).toBeNull();
      expect(projection.position()).toBe(checkpointBefore);
      // The retry (what the runner does) applies it once.
      expect(projection.apply(issued)).toBe('applied');
      expect(queries.findById('dcr_1')?.issuedPosition).toBe(issued.position);
    });

    it('rolls back a whole batch when one of its writes fails', () => {
      given(clientRegistered('client-a'));
      const snapshotBefore = readModel.snapshot();
      readModel.db.exec(`CREATE TRIGGER fail_third BEFORE INSERT ON credentials WHEN NEW.credential_id = 'dcr_3' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
      const batch = ['dcr_1', 'dcr_2', 'dcr_3'].map((id) => log.record(tokenIssued(id)));

      expect(() => projection.applyBatch(batch)).toThrow(/boom/);

      expect(readModel.snapshot()).toBe(snapshotBefore);
      expect(queries.findById('dcr_1')).toBeNull();
    });
  });

  describe('snapshot', () => {
    it('is the same whether the log was applied event by event or in batches', () => {
      const events = [
        clientRegistered('client-a'),
        tokenIssued('dcr_1'),
        tokenIssued('dcr_2', { userId: 'user-2' }),
        grantCreated('cgr_1', 'client-a', 'aud', ['s']),
        tokenRevoked('dcr_1'),
        clientDeleted('client-a'),
      ].map((e) => log.record(e));
      events.forEach((e) => projection.apply(e));
      const other = new ReadModel({ filename: ':memory:' });
      const otherProjection = new ReadModelProjection(other, { logger });
      otherProjection.applyBatch(events.slice(0, 3));
      otherProjection.applyBatch(events.slice(3));

      expect(other.snapshot()).toBe(readModel.snapshot());
      expect(readModel.snapshot()).toContain('"credential_id":"dcr_2"');
      other.close();
    });
  });
});
