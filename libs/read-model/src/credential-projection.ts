import type { RecordedEvent } from '@app/event-store';
import { clientGrantStreamId, clientStreamId } from '@app/clients/events';
import { refreshTokenStreamId } from '@app/refresh-tokens/events';
import type Database from 'better-sqlite3';
import { PositionWaiters } from './position-waiters';
import type { ProjectedData, ProjectedEventType } from './projected-events';
import { hasValidData, isProjectedType } from './projected-events';
import { consoleProjectionLogger, type ProjectionLogger } from './projection-logger';
import type { ReadModel } from './read-model';

/** What `apply` did with one event. Every outcome advances the checkpoint past it but `duplicate`. */
export type ApplyOutcome =
  /** The read model changed (or, for a repeat of a final fact, its stream head moved). */
  | 'applied'
  /** Not ours, malformed, or about something the model does not know: logged, left out. */
  | 'skipped'
  /** At or below the checkpoint: already applied, ignored. */
  | 'duplicate';

export interface BatchResult {
  applied: number;
  skipped: number;
  duplicates: number;
  /** The checkpoint after the batch. */
  position: number;
}

export interface CredentialProjectionOptions {
  /** Checkpoint name (default `credentials`). */
  name?: string;
  logger?: ProjectionLogger;
}

type Outcome = Exclude<ApplyOutcome, 'duplicate'>;
type Handlers = { [K in ProjectedEventType]: (data: ProjectedData<K>, event: RecordedEvent) => Outcome };
type Statements = ReturnType<typeof prepareStatements>;
interface Head {
  revision: number;
  hash: string;
}

/**
 * Folds refresh-token, client and client-grant events into the read model.
 *
 * Exactly once (invariant 7): each call runs the read-model change and the
 * checkpoint update in one SQLite transaction, and ignores events at or below
 * the checkpoint read inside that transaction. A recorded event is a fact and
 * is never rejected (style.md §10): what cannot be applied is logged and
 * skipped, and the checkpoint still moves past it. Only an infrastructure
 * failure (disk, a broken file) throws, leaving model and checkpoint as they
 * were, for the runner to retry.
 *
 * Synchronous, as better-sqlite3 is: no other work interleaves with a batch.
 */
export class CredentialProjection {
  static readonly DEFAULT_NAME = 'credentials';
  readonly name: string;
  private readonly db: Database.Database;
  private readonly logger: ProjectionLogger;
  private readonly waiters: PositionWaiters;
  private current: number;
  private readonly sql: Statements;
  private readonly handlers: Handlers;

  constructor(
    readonly readModel: ReadModel,
    options: CredentialProjectionOptions = {},
  ) {
    this.name = options.name ?? CredentialProjection.DEFAULT_NAME;
    this.logger = options.logger ?? consoleProjectionLogger;
    this.db = readModel.db;
    this.current = readModel.checkpoint(this.name);
    this.waiters = new PositionWaiters(() => this.current);
    this.sql = prepareStatements(this.db);
    this.handlers = {
      RefreshTokenIssued: (data, event) => this.onIssued(data, event),
      RefreshTokenRevoked: (data, event) => this.onRevoked(data, event),
      ClientRegistered: (data, event) => this.onClientRegistered(data, event),
      ClientDeleted: (data, event) => this.onClientDeleted(data, event),
      ClientGrantCreated: (data, event) => this.onGrantCreated(data, event),
      ClientGrantDeleted: (data, event) => this.onGrantDeleted(data, event),
    };
  }

  /** Last log position applied (the checkpoint; 0 before the first event). */
  position(): number {
    return this.current;
  }

  /** Applies one event in its own transaction. */
  apply(event: RecordedEvent): ApplyOutcome {
    let outcome: ApplyOutcome = 'duplicate';
    this.commit(() => {
      const checkpoint = this.storedCheckpoint();
      if (event.position <= checkpoint) return checkpoint;
      outcome = this.fold(event);
      return event.position;
    });
    return outcome;
  }

  /**
   * Applies events (in log order) in ONE transaction with one checkpoint
   * write: the catch-up path, where a commit per event would dominate.
   */
  applyBatch(events: readonly RecordedEvent[]): BatchResult {
    const result: BatchResult = { applied: 0, skipped: 0, duplicates: 0, position: this.current };
    result.position = this.commit(() => {
      let checkpoint = this.storedCheckpoint();
      for (const event of events) {
        if (event.position <= checkpoint) {
          result.duplicates++;
          continue;
        }
        if (this.fold(event) === 'applied') result.applied++;
        else result.skipped++;
        checkpoint = event.position;
      }
      return checkpoint;
    });
    return result;
  }

  /**
   * Read-your-writes (invariant 6): true once this projection has applied
   * `position` (settled by the commit itself, no polling), false after
   * `timeoutMs`. Only positions of projected streams are ever reached.
   */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(position, timeoutMs);
  }

  /** Settles pending waits with false (shutdown). The read model stays open: its owner closes it. */
  close(): void {
    this.waiters.cancelAll();
  }

  /** Runs `change` and writes the checkpoint it returns in one IMMEDIATE transaction; then wakes waiters. */
  private commit(change: () => number): number {
    const position = this.db
      .transaction(() => {
        const next = change();
        if (next !== this.storedCheckpoint()) this.sql.saveCheckpoint.run({ name: this.name, position: next });
        return next;
      })
      .immediate();
    this.current = position;
    this.waiters.advancedTo(position);
    return position;
  }

  private storedCheckpoint(): number {
    return this.sql.checkpoint.get(this.name)?.position ?? 0;
  }

  private fold(event: RecordedEvent): Outcome {
    const { type } = event;
    if (!isProjectedType(type)) {
      this.logger.info(this.details(event), 'credential projection: event type not projected, skipped');
      return 'skipped';
    }
    return this.dispatch(type, event);
  }

  private dispatch<K extends ProjectedEventType>(type: K, event: RecordedEvent): Outcome {
    if (!hasValidData(type, event.data)) {
      this.logger.error(this.details(event), 'credential projection: malformed event data, skipped');
      return 'skipped';
    }
    const handler = this.handlers[type] as (data: ProjectedData<K>, event: RecordedEvent) => Outcome;
    return handler(event.data as ProjectedData<K>, event);
  }

  private onIssued(data: ProjectedData<'RefreshTokenIssued'>, event: RecordedEvent): Outcome {
    if (!this.inOwnStream(event, refreshTokenStreamId(data.credentialId))) return 'skipped';
    if (this.sql.credentialExists.get(data.credentialId)) {
      // The decider refuses a second issuance; if one is in the log anyway, the first stands.
      this.logger.warn(this.details(event, { credentialId: data.credentialId }), 'credential projection: repeated issuance, first kept');
      this.sql.credentialHead.run(this.head(event), data.credentialId);
      return 'applied';
    }
    const holder = this.sql.credentialByTokenHash.get(data.tokenHash);
    if (holder) {
      // A SHA-256 collision or a replayed token: never let one hash name two credentials.
      this.logger.error(
        this.details(event, { credentialId: data.credentialId, holder: holder.credential_id }),
        'credential projection: token hash already belongs to another credential, skipped',
      );
      return 'skipped';
    }
    // Named one by one: the event may carry fields this model does not store.
    this.sql.insertCredential.run({
      credentialId: data.credentialId,
      tokenHash: data.tokenHash,
      clientId: data.clientId,
      userId: data.userId,
      deviceId: data.deviceId,
      deviceName: data.deviceName,
      scope: data.scope,
      issuedAt: data.issuedAt,
      issuedPosition: event.position,
      streamRevision: event.revision,
      streamHeadHash: event.hash,
    });
    return 'applied';
  }

  private onRevoked(data: ProjectedData<'RefreshTokenRevoked'>, event: RecordedEvent): Outcome {
    if (!this.inOwnStream(event, refreshTokenStreamId(data.credentialId))) return 'skipped';
    const row = this.sql.credentialStatus.get(data.credentialId);
    if (!row) {
      this.logger.warn(this.details(event, { credentialId: data.credentialId }), 'credential projection: revocation of an unknown credential, skipped');
      return 'skipped';
    }
    if (row.revoked_at !== null) {
      // Revocation is final (invariant 4): the first revocation's who/why/when stand.
      this.sql.credentialHead.run(this.head(event), data.credentialId);
      return 'applied';
    }
    this.sql.revokeCredential.run({
      credentialId: data.credentialId,
      revokedAt: data.revokedAt,
      revokedBy: data.revokedBy,
      reason: data.reason,
      revokedPosition: event.position,
      streamRevision: event.revision,
      streamHeadHash: event.hash,
    });
    return 'applied';
  }

  private onClientRegistered(data: ProjectedData<'ClientRegistered'>, event: RecordedEvent): Outcome {
    if (!this.inOwnStream(event, clientStreamId(data.clientId))) return 'skipped';
    if (this.sql.clientStatus.get(data.clientId)) {
      this.logger.warn(this.details(event, { clientId: data.clientId }), 'credential projection: repeated client registration, first kept');
      this.sql.clientHead.run(this.head(event), data.clientId);
      return 'applied';
    }
    this.sql.insertClient.run({
      clientId: data.clientId,
      name: data.name,
      appType: data.appType,
      tokenEndpointAuthMethod: data.tokenEndpointAuthMethod,
      clientSecretHash: data.clientSecretHash,
      sealedClientSecret: data.sealedClientSecret ?? null,
      jwtAlg: data.jwtConfiguration.alg,
      jwtLifetimeInSeconds: data.jwtConfiguration.lifetimeInSeconds,
      grantTypes: JSON.stringify(data.grantTypes),
      createdAt: data.createdAt,
      streamRevision: event.revision,
      streamHeadHash: event.hash,
    });
    return 'applied';
  }

  private onClientDeleted(data: ProjectedData<'ClientDeleted'>, event: RecordedEvent): Outcome {
    if (!this.inOwnStream(event, clientStreamId(data.clientId))) return 'skipped';
    const row = this.sql.clientStatus.get(data.clientId);
    if (!row) {
      this.logger.warn(this.details(event, { clientId: data.clientId }), 'credential projection: deletion of an unknown client, skipped');
      return 'skipped';
    }
    if (row.deleted_at !== null) {
      this.sql.clientHead.run(this.head(event), data.clientId);
      return 'applied';
    }
    // From this commit on the client's tokens stop validating (the queries join on an active
    // client), before the cascade of RefreshTokenRevoked events lands.
    this.sql.deleteClient.run({ clientId: data.clientId, deletedAt: data.deletedAt, streamRevision: event.revision, streamHeadHash: event.hash });
    return 'applied';
  }

  private onGrantCreated(data: ProjectedData<'ClientGrantCreated'>, event: RecordedEvent): Outcome {
    if (!this.inOwnStream(event, clientGrantStreamId(data.grantId))) return 'skipped';
    if (this.sql.grantStatus.get(data.grantId)) {
      this.logger.warn(this.details(event, { grantId: data.grantId }), 'credential projection: repeated client grant creation, first kept');
      this.sql.grantHead.run(this.head(event), data.grantId);
      return 'applied';
    }
    this.sql.insertGrant.run({
      grantId: data.grantId,
      clientId: data.clientId,
      audience: data.audience,
      scope: JSON.stringify(data.scope),
      createdAt: data.createdAt,
      streamRevision: event.revision,
      streamHeadHash: event.hash,
    });
    return 'applied';
  }

  private onGrantDeleted(data: ProjectedData<'ClientGrantDeleted'>, event: RecordedEvent): Outcome {
    if (!this.inOwnStream(event, clientGrantStreamId(data.grantId))) return 'skipped';
    const row = this.sql.grantStatus.get(data.grantId);
    if (!row) {
      this.logger.warn(this.details(event, { grantId: data.grantId }), 'credential projection: deletion of an unknown client grant, skipped');
      return 'skipped';
    }
    if (row.deleted_at !== null) {
      this.sql.grantHead.run(this.head(event), data.grantId);
      return 'applied';
    }
    this.sql.deleteGrant.run({ grantId: data.grantId, deletedAt: data.deletedAt, streamRevision: event.revision, streamHeadHash: event.hash });
    return 'applied';
  }

  /** An event about entity X must sit in X's stream, or the stream heads kept for the audit would lie. */
  private inOwnStream(event: RecordedEvent, expectedStreamId: string): boolean {
    if (event.streamId === expectedStreamId) return true;
    this.logger.error(this.details(event, { expectedStreamId }), 'credential projection: event names an entity of another stream, skipped');
    return false;
  }

  private head(event: RecordedEvent): Head {
    return { revision: event.revision, hash: event.hash };
  }

  private details(event: RecordedEvent, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { projection: this.name, eventId: event.id, type: event.type, streamId: event.streamId, position: event.position, ...extra };
  }
}

/** Statements prepared once per projection: the fold runs them per event. */
function prepareStatements(db: Database.Database) {
  return {
    checkpoint: db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?'),
    saveCheckpoint: db.prepare<[{ name: string; position: number }]>(
      'INSERT INTO checkpoints (name, position) VALUES (@name, @position) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    ),
    credentialExists: db.prepare<[string], { one: 1 }>('SELECT 1 AS one FROM credentials WHERE credential_id = ?'),
    credentialStatus: db.prepare<[string], { revoked_at: string | null }>('SELECT revoked_at FROM credentials WHERE credential_id = ?'),
    credentialByTokenHash: db.prepare<[string], { credential_id: string }>('SELECT credential_id FROM credentials WHERE token_hash = ?'),
    insertCredential: db.prepare<
      [
        ProjectedData<'RefreshTokenIssued'> & {
          issuedPosition: number;
          streamRevision: number;
          streamHeadHash: string;
        },
      ]
    >(
      `INSERT INTO credentials (credential_id, token_hash, client_id, user_id, device_id, device_name, scope, issued_at, issued_position, stream_revision, stream_head_hash)
       VALUES (@credentialId, @tokenHash, @clientId, @userId, @deviceId, @deviceName, @scope, @issuedAt, @issuedPosition, @streamRevision, @streamHeadHash)`,
    ),
    revokeCredential: db.prepare<
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
    credentialHead: db.prepare<[Head, string]>('UPDATE credentials SET stream_revision = @revision, stream_head_hash = @hash WHERE credential_id = ?'),
    clientStatus: db.prepare<[string], { deleted_at: string | null }>('SELECT deleted_at FROM clients WHERE client_id = ?'),
    insertClient: db.prepare<
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
          createdAt: string;
          streamRevision: number;
          streamHeadHash: string;
        },
      ]
    >(
      `INSERT INTO clients (client_id, name, app_type, token_endpoint_auth_method, client_secret_hash, sealed_client_secret, jwt_alg,
         jwt_lifetime_in_seconds, grant_types, created_at, stream_revision, stream_head_hash)
       VALUES (@clientId, @name, @appType, @tokenEndpointAuthMethod, @clientSecretHash, @sealedClientSecret, @jwtAlg,
         @jwtLifetimeInSeconds, @grantTypes, @createdAt, @streamRevision, @streamHeadHash)`,
    ),
    deleteClient: db.prepare<[{ clientId: string; deletedAt: string; streamRevision: number; streamHeadHash: string }]>(
      `UPDATE clients SET deleted_at = @deletedAt, stream_revision = @streamRevision, stream_head_hash = @streamHeadHash WHERE client_id = @clientId`,
    ),
    clientHead: db.prepare<[Head, string]>('UPDATE clients SET stream_revision = @revision, stream_head_hash = @hash WHERE client_id = ?'),
    grantStatus: db.prepare<[string], { deleted_at: string | null }>('SELECT deleted_at FROM client_grants WHERE grant_id = ?'),
    insertGrant: db.prepare<
      [{ grantId: string; clientId: string; audience: string; scope: string; createdAt: string; streamRevision: number; streamHeadHash: string }]
    >(
      `INSERT INTO client_grants (grant_id, client_id, audience, scope, created_at, stream_revision, stream_head_hash)
       VALUES (@grantId, @clientId, @audience, @scope, @createdAt, @streamRevision, @streamHeadHash)`,
    ),
    deleteGrant: db.prepare<[{ grantId: string; deletedAt: string; streamRevision: number; streamHeadHash: string }]>(
      `UPDATE client_grants SET deleted_at = @deletedAt, stream_revision = @streamRevision, stream_head_hash = @streamHeadHash WHERE grant_id = @grantId`,
    ),
    grantHead: db.prepare<[Head, string]>('UPDATE client_grants SET stream_revision = @revision, stream_head_hash = @hash WHERE grant_id = ?'),
  };
}
