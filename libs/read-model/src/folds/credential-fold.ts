import type Database from 'better-sqlite3';
import { refreshTokenStreamId } from '@app/refresh-tokens/events';
import type { ProjectedData } from '../projected-events';
import { headOf, type FoldHandlers, type FoldOutcome, type FoldReporter, type StreamHead } from './fold';

/** Refresh-token events → the `credentials` table (the family's head) and `spent_token_hashes` (what rotations spent). */
export function credentialFold(
  db: Database.Database,
  report: FoldReporter,
): FoldHandlers<'RefreshTokenIssued' | 'RefreshTokenRevoked' | 'RefreshTokenRotated' | 'RefreshTokenExchanged'> {
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

    RefreshTokenRotated(data, event): FoldOutcome {
      if (!report.inOwnStream(event, refreshTokenStreamId(data.credentialId))) return 'skipped';
      const row = sql.family.get(data.credentialId);
      // As evolve: only an active family's next generation moves the head (never a second branch, nothing after revocation).
      if (!row || row.revoked_at !== null || data.generation !== row.generation + 1 || data.previousTokenHash !== row.token_hash) {
        report.logger.warn(
          report.details(event, { credentialId: data.credentialId, generation: data.generation }),
          'read-model projection: rotation that does not follow the head, skipped',
        );
        if (row) sql.head.run(headOf(event), data.credentialId);
        return row ? 'applied' : 'skipped';
      }
      sql.spend.run({ tokenHash: data.previousTokenHash, credentialId: data.credentialId, generation: row.generation });
      sql.rotate.run({
        credentialId: data.credentialId,
        tokenHash: data.tokenHash,
        generation: data.generation,
        rotatedAt: data.rotatedAt,
        expiresAt: data.expiresAt,
        idleExpiresAt: data.idleExpiresAt,
        streamRevision: event.revision,
        streamHeadHash: event.hash,
      });
      return 'applied';
    },

    RefreshTokenExchanged(data, event): FoldOutcome {
      if (!report.inOwnStream(event, refreshTokenStreamId(data.credentialId))) return 'skipped';
      const row = sql.family.get(data.credentialId);
      if (!row) {
        report.logger.warn(report.details(event, { credentialId: data.credentialId }), 'read-model projection: use of an unknown credential, skipped');
        return 'skipped';
      }
      if (row.revoked_at !== null) {
        sql.head.run(headOf(event), data.credentialId);
        return 'applied';
      }
      sql.exchanged.run({
        credentialId: data.credentialId,
        exchangedAt: data.exchangedAt,
        expiresAt: data.expiresAt,
        idleExpiresAt: data.idleExpiresAt,
        streamRevision: event.revision,
        streamHeadHash: event.hash,
      });
      return 'applied';
    },
  };
}

interface Recorded {
  credentialId: string;
  expiresAt: string | null;
  idleExpiresAt: string | null;
  streamRevision: number;
  streamHeadHash: string;
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
    family: db.prepare<[string], { token_hash: string; generation: number; revoked_at: string | null }>(
      'SELECT token_hash, generation, revoked_at FROM credentials WHERE credential_id = ?',
    ),
    spend: db.prepare<[{ tokenHash: string; credentialId: string; generation: number }]>(
      'INSERT OR IGNORE INTO spent_token_hashes (token_hash, credential_id, generation) VALUES (@tokenHash, @credentialId, @generation)',
    ),
    rotate: db.prepare<[Recorded & { tokenHash: string; generation: number; rotatedAt: string }]>(
      `UPDATE credentials SET token_hash = @tokenHash, generation = @generation, rotated_at = @rotatedAt, last_exchanged_at = @rotatedAt,
         expires_at = @expiresAt, idle_expires_at = @idleExpiresAt, stream_revision = @streamRevision, stream_head_hash = @streamHeadHash
       WHERE credential_id = @credentialId`,
    ),
    exchanged: db.prepare<[Recorded & { exchangedAt: string }]>(
      `UPDATE credentials SET last_exchanged_at = @exchangedAt, expires_at = @expiresAt, idle_expires_at = @idleExpiresAt,
         stream_revision = @streamRevision, stream_head_hash = @streamHeadHash
       WHERE credential_id = @credentialId`,
    ),
    head: db.prepare<[StreamHead, string]>('UPDATE credentials SET stream_revision = @revision, stream_head_hash = @hash WHERE credential_id = ?'),
  };
}
