import type Database from 'better-sqlite3';
import { clientGrantStreamId } from '@app/clients/events';
import { headOf, type FoldHandlers, type FoldOutcome, type FoldReporter, type StreamHead } from './fold';

/** Client-grant events → the `client_grants` table. */
export function clientGrantFold(db: Database.Database, report: FoldReporter): FoldHandlers<'ClientGrantCreated' | 'ClientGrantDeleted'> {
  const sql = prepare(db);
  return {
    ClientGrantCreated(data, event): FoldOutcome {
      if (!report.inOwnStream(event, clientGrantStreamId(data.grantId))) return 'skipped';
      if (sql.status.get(data.grantId)) {
        report.logger.warn(report.details(event, { grantId: data.grantId }), 'read-model projection: repeated client grant creation, first kept');
        sql.head.run(headOf(event), data.grantId);
        return 'applied';
      }
      sql.insert.run({
        grantId: data.grantId,
        clientId: data.clientId,
        audience: data.audience,
        scope: JSON.stringify(data.scope),
        createdAt: data.createdAt,
        streamRevision: event.revision,
        streamHeadHash: event.hash,
      });
      return 'applied';
    },

    ClientGrantDeleted(data, event): FoldOutcome {
      if (!report.inOwnStream(event, clientGrantStreamId(data.grantId))) return 'skipped';
      const row = sql.status.get(data.grantId);
      if (!row) {
        report.logger.warn(report.details(event, { grantId: data.grantId }), 'read-model projection: deletion of an unknown client grant, skipped');
        return 'skipped';
      }
      if (row.deleted_at !== null) {
        sql.head.run(headOf(event), data.grantId);
        return 'applied';
      }
      sql.delete.run({ grantId: data.grantId, deletedAt: data.deletedAt, streamRevision: event.revision, streamHeadHash: event.hash });
      return 'applied';
    },
  };
}

function prepare(db: Database.Database) {
  return {
    status: db.prepare<[string], { deleted_at: string | null }>('SELECT deleted_at FROM client_grants WHERE grant_id = ?'),
    insert: db.prepare<
      [{ grantId: string; clientId: string; audience: string; scope: string; createdAt: string; streamRevision: number; streamHeadHash: string }]
    >(
      `INSERT INTO client_grants (grant_id, client_id, audience, scope, created_at, stream_revision, stream_head_hash)
       VALUES (@grantId, @clientId, @audience, @scope, @createdAt, @streamRevision, @streamHeadHash)`,
    ),
    delete: db.prepare<[{ grantId: string; deletedAt: string; streamRevision: number; streamHeadHash: string }]>(
      `UPDATE client_grants SET deleted_at = @deletedAt, stream_revision = @streamRevision, stream_head_hash = @streamHeadHash WHERE grant_id = @grantId`,
    ),
    head: db.prepare<[StreamHead, string]>('UPDATE client_grants SET stream_revision = @revision, stream_head_hash = @hash WHERE grant_id = ?'),
  };
}
