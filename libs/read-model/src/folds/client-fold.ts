import type Database from 'better-sqlite3';
import { clientStreamId } from '@app/clients/events';
import { grantTypesOfRegistration } from '@app/clients/client-defaults';
import { recordedRefreshTokenPolicy } from '@app/clients/refresh-token-policy';
import { headOf, type FoldHandlers, type FoldOutcome, type FoldReporter, type StreamHead } from './fold';

/** Client registry events → the `clients` table; `changed` is told of every row written (the queries' client cache). */
export function clientFold(db: Database.Database, report: FoldReporter, changed: () => void = () => {}): FoldHandlers<'ClientRegistered' | 'ClientUpdated' | 'ClientDeleted'> {
  const sql = prepare(db);
  return {
    ClientRegistered(data, event): FoldOutcome {
      if (!report.inOwnStream(event, clientStreamId(data.clientId))) return 'skipped';
      changed();
      if (sql.status.get(data.clientId)) {
        report.logger.warn(report.details(event, { clientId: data.clientId }), 'read-model projection: repeated client registration, first kept');
        sql.head.run(headOf(event), data.clientId);
        return 'applied';
      }
      sql.insert.run({
        clientId: data.clientId,
        name: data.name,
        appType: data.appType,
        tokenEndpointAuthMethod: data.tokenEndpointAuthMethod,
        clientSecretHash: data.clientSecretHash,
        sealedClientSecret: data.sealedClientSecret ?? null,
        jwtAlg: data.jwtConfiguration.alg,
        jwtLifetimeInSeconds: data.jwtConfiguration.lifetimeInSeconds,
        grantTypes: JSON.stringify(grantTypesOfRegistration(data)),
        allowedClients: JSON.stringify(data.allowedClients ?? []),
        refreshToken: JSON.stringify(recordedRefreshTokenPolicy(data.refreshToken)),
        requireProofOfPossession: data.requireProofOfPossession === true ? 1 : 0,
        createdAt: data.createdAt,
        streamRevision: event.revision,
        streamHeadHash: event.hash,
      });
      return 'applied';
    },

    ClientUpdated(data, event): FoldOutcome {
      if (!report.inOwnStream(event, clientStreamId(data.clientId))) return 'skipped';
      changed();
      const row = sql.status.get(data.clientId);
      if (!row) {
        report.logger.warn(report.details(event, { clientId: data.clientId }), 'read-model projection: update of an unknown client, skipped');
        return 'skipped';
      }
      // A deleted client stays as it was deleted (the decider never updates one; the log is a fact).
      if (row.deleted_at !== null) {
        sql.head.run(headOf(event), data.clientId);
        return 'applied';
      }
      const { changes } = data;
      sql.update.run({
        clientId: data.clientId,
        name: changes.name ?? null,
        grantTypes: changes.grantTypes === undefined ? null : JSON.stringify(changes.grantTypes),
        allowedClients: changes.allowedClients === undefined ? null : JSON.stringify(changes.allowedClients),
        refreshToken: changes.refreshToken === undefined ? null : JSON.stringify(changes.refreshToken),
        requireProofOfPossession: changes.requireProofOfPossession === undefined ? null : changes.requireProofOfPossession ? 1 : 0,
        streamRevision: event.revision,
        streamHeadHash: event.hash,
      });
      return 'applied';
    },

    ClientDeleted(data, event): FoldOutcome {
      if (!report.inOwnStream(event, clientStreamId(data.clientId))) return 'skipped';
      changed();
      const row = sql.status.get(data.clientId);
      if (!row) {
        report.logger.warn(report.details(event, { clientId: data.clientId }), 'read-model projection: deletion of an unknown client, skipped');
        return 'skipped';
      }
      if (row.deleted_at !== null) {
        sql.head.run(headOf(event), data.clientId);
        return 'applied';
      }
      // From this commit on the client's tokens stop validating (the queries join on an active
      // client), before the cascade of RefreshTokenRevoked events lands.
      sql.delete.run({ clientId: data.clientId, deletedAt: data.deletedAt, streamRevision: event.revision, streamHeadHash: event.hash });
      return 'applied';
    },
  };
}

function prepare(db: Database.Database) {
  return {
    status: db.prepare<[string], { deleted_at: string | null }>('SELECT deleted_at FROM clients WHERE client_id = ?'),
    insert: db.prepare<
      [
        {
          clientId: string;
          name: string;
          appType: string;
          tokenEndpointAuthMethod: string;
          clientSecretHash: string | null;
          sealedClientSecret: string | null;
          jwtAlg: string;
          jwtLifetimeInSeconds: number;
          grantTypes: string;
          allowedClients: string;
          refreshToken: string;
          requireProofOfPossession: number;
          createdAt: string;
          streamRevision: number;
          streamHeadHash: string;
        },
      ]
    >(
      `INSERT INTO clients (client_id, name, app_type, token_endpoint_auth_method, client_secret_hash, sealed_client_secret, jwt_alg,
         jwt_lifetime_in_seconds, grant_types, allowed_clients, refresh_token, require_proof_of_possession, created_at, stream_revision, stream_head_hash)
       VALUES (@clientId, @name, @appType, @tokenEndpointAuthMethod, @clientSecretHash, @sealedClientSecret, @jwtAlg,
         @jwtLifetimeInSeconds, @grantTypes, @allowedClients, @refreshToken, @requireProofOfPossession, @createdAt, @streamRevision, @streamHeadHash)`,
    ),
    // NULL: unchanged (COALESCE keeps the column).
    update: db.prepare<
      [
        {
          clientId: string;
          name: string | null;
          grantTypes: string | null;
          allowedClients: string | null;
          refreshToken: string | null;
          requireProofOfPossession: number | null;
          streamRevision: number;
          streamHeadHash: string;
        },
      ]
    >(
      `UPDATE clients SET name = COALESCE(@name, name), grant_types = COALESCE(@grantTypes, grant_types),
         allowed_clients = COALESCE(@allowedClients, allowed_clients), refresh_token = COALESCE(@refreshToken, refresh_token),
         require_proof_of_possession = COALESCE(@requireProofOfPossession, require_proof_of_possession),
         stream_revision = @streamRevision, stream_head_hash = @streamHeadHash
       WHERE client_id = @clientId`,
    ),
    delete: db.prepare<[{ clientId: string; deletedAt: string; streamRevision: number; streamHeadHash: string }]>(
      `UPDATE clients SET deleted_at = @deletedAt, stream_revision = @streamRevision, stream_head_hash = @streamHeadHash WHERE client_id = @clientId`,
    ),
    head: db.prepare<[StreamHead, string]>('UPDATE clients SET stream_revision = @revision, stream_head_hash = @hash WHERE client_id = ?'),
  };
}
