import type Database from 'better-sqlite3';
import { refreshTokenStreamId } from '@app/refresh-tokens/events';
import type { ProjectedData } from '../projected-events';
import { headOf, type FoldHandlers, type FoldOutcome, type FoldReporter, type StreamHead } from './fold';

/** Refresh-token events → the `credentials` table. */
export function credentialFold(db: Database.Database, report: FoldReporter): FoldHandlers<'RefreshTokenIssued' | 'RefreshTokenRevoked'> {
  const sql = prepare(db);
  return {
    RefreshTokenIssued(data, event): FoldOutcome {
      if (!report.inOwnStream(event, refreshTokenStreamId(data.credentialId))) return 'skipped';
      // Named one by one: the event may carry fields this model does not store.
      // INSERT OR IGNORE first: the usual case costs one statement; a conflict (repeat or hash collision) is told apart after.
      const inserted = sql.insert.run({
        credentialId: data.credentialId,
        tokenHash: data.tokenHash,
        clientId: data.clientId,
        userId: data.userId,
        deviceId: data.deviceId,
        deviceName: data.deviceName,
        scope: data.scope,
        issuedAt: data.issuedAt,
        dpopJkt: data.dpopJkt ?? null,
        issuedPosition: event.position,
        streamRevision: event.revision,
        streamHeadHash: event.hash,
      });
      if (inserted.changes === 1) return 'applied';
      if (sql.exists.get(data.credentialId)) {
        // The decider refuses a second issuance; if one is in the log anyway, the first stands.
        report.logger.warn(report.details(event, { credentialId: data.credentialId }), 'read-model projection: repeated issuance, first kept');
        sql.head.run(headOf(event), data.credentialId);
        return 'applied';
      }
      const holder = sql.byTokenHash.get(data.tokenHash);
      // A SHA-256 collision or a replayed token: never let one hash name two credentials.
      report.logger.error(
        report.details(event, { credentialId: data.credentialId, holder: holder?.credential_id }),
        'read-model projection: token hash already belongs to another credential, skipped',
      );
      return 'skipped';
    },

    RefreshTokenRevoked(data, event): FoldOutcome {
      if (!report.inOwnStream(event, refreshTokenStreamId(data.credentialId))) return 'skipped';
      const row = sql.status.get(data.credentialId);
      if (!row) {
        report.logger.warn(report.details(event, { credentialId: data.credentialId }), 'read-model projection: revocation of an unknown credential, skipped');
        return 'skipped';
      }
      if (row.revoked_at !== null) {
        // Revocation is final (invariant 4): the first revocation's who/why/when stand.
        sql.head.run(headOf(event), data.credentialId);
        return 'applied';
      }
      sql.revoke.run({
        credentialId: data.credentialId,
        revokedAt: data.revokedAt,
        revokedBy: data.revokedBy,
        reason: data.reason,
        revokedPosition: event.position,
        streamRevision: event.revision,
        streamHeadHash: event.hash,
      });
      return 'applied';
    },
  };
}

function prepare(db: Database.Database) {
  return {
    exists: db.prepare<[string], { one: 1 }>('SELECT 1 AS one FROM credentials WHERE credential_id = ?'),
    status: db.prepare<[string], { revoked_at: string | null }>('SELECT revoked_at FROM credentials WHERE credential_id = ?'),
    byTokenHash: db.prepare<[string], { credential_id: string }>('SELECT credential_id FROM credentials WHERE token_hash = ?'),
    insert: db.prepare<[Omit<ProjectedData<'RefreshTokenIssued'>, 'dpopJkt'> & { dpopJkt: string | null; issuedPosition: number; streamRevision: number; streamHeadHash: string }]>(
      `INSERT OR IGNORE INTO credentials (credential_id, token_hash, client_id, user_id, device_id, device_name, scope, issued_at, dpop_jkt, issued_position, stream_revision, stream_head_hash)
       VALUES (@credentialId, @tokenHash, @clientId, @userId, @deviceId, @deviceName, @scope, @issuedAt, @dpopJkt, @issuedPosition, @streamRevision, @streamHeadHash)`,
    ),
    revoke: db.prepare<
      [
        {
          credentialId: string;
          revokedAt: string;
          revokedBy: string;
          reason: string;
          revokedPosition: number;
          streamRevision: number;
          streamHeadHash: string;
        },
      ]
    >(
      `UPDATE credentials SET revoked_at = @revokedAt, revoked_by = @revokedBy, revoke_reason = @reason, revoked_position = @revokedPosition,
         stream_revision = @streamRevision, stream_head_hash = @streamHeadHash
       WHERE credential_id = @credentialId`,
    ),
    head: db.prepare<[StreamHead, string]>('UPDATE credentials SET stream_revision = @revision, stream_head_hash = @hash WHERE credential_id = ?'),
  };
}
