import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, type EventStore, type RecordedEvent, retryOnConcurrency } from '@app/event-store';
import { CredentialQueries } from '@app/read-model';
import type { IdGenerator } from '@app/shared';
import { ProjectionSync } from '../../consistency/projection-sync';
import { conflict } from '../../errors/management-error';
import { EVENT_STORE, ID_GENERATOR, MANAGEMENT_AUDIENCE } from '../../infrastructure/tokens';
import { leavesNoFullAdmin } from './management-policy';

const CLIENT_CREDENTIALS = 'client_credentials';

/**
 * A client deleted with all of its grants, one grant deleted, or a client
 * losing the `client_credentials` grant type (its grants then give it no
 * token: PATCH /api/v2/clients/{id}).
 */
export type AccessRemoval = { clientId: string } | { grantId: string } | { clientCredentialsOf: string };

/** The one stream that orders every removal of management access. Outside the projected prefixes: no read model folds it. */
export const MANAGEMENT_ACCESS_STREAM = 'managementAccess';
export const REMOVAL_ADMITTED = 'ManagementAccessRemovalAdmitted';

type RemovalAdmittedData = {
  removal: AccessRemoval;
  /** Removals admitted whose deletion the read model did not show yet when this one was decided (this one included). */
  pending: AccessRemoval[];
};

/**
 * No lock-out, under concurrency too: a deletion of a client or of a client
 * grant is admitted here, before it is appended, by one event on one stream
 * whose expected revision orders every such removal on every replica and
 * worker. Two concurrent removals cannot both be judged on a state without
 * the other: the second append fails on the revision, is decided again, and
 * then counts the first as done. An admitted removal counts as done until the
 * read model shows its deletion (or that it never existed), so the state
 * read is one event, the stream's last, whatever its length. A removal
 * admitted whose deletion then never happens (a crash in between) counts as
 * done until the next admission finds it still there: a refusal too many for
 * a moment, never a lock-out.
 */
@Injectable()
export class AdminRemovals {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(MANAGEMENT_AUDIENCE) private readonly audience: string,
    private readonly queries: CredentialQueries,
    private readonly sync: ProjectionSync,
  ) {}

  /** Records `removal` as admitted; 409 when it would leave no client holding every management scope. */
  admit(removal: AccessRemoval, metadata: EventMetadata): Promise<void> {
    return retryOnConcurrency(
      async () => {
        const last = await this.store.readLastEvent(MANAGEMENT_ACCESS_STREAM);
        // Grants made, and deletions landed, on other replicas count.
        await this.sync.catchUpToHead();
        const pending = pendingOf(last).filter((r) => this.stillThere(r));
        const grants = this.queries
          .listClientGrants({ audience: this.audience })
          // Only the grants a client can get a token with count: one without client_credentials holds none.
          .filter((g) => this.mintsTokens(g.clientId))
          .filter((g) => !pending.some((r) => removes(r, g)));
        if (leavesNoFullAdmin(grants, this.audience, (g) => removes(removal, g))) throw lockOut(removal);
        const data: RemovalAdmittedData = { removal, pending: [...pending, removal] };
        await this.store.appendToStream(MANAGEMENT_ACCESS_STREAM, [{ id: this.ids.uuid(), type: REMOVAL_ADMITTED, data, metadata }], {
          expectedRevision: last === undefined ? 'no_stream' : last.revision,
        });
      },
      // Every management deletion contends on this one stream: allow a burst of them.
      { attempts: 20 },
    );
  }

  private stillThere(removal: AccessRemoval): boolean {
    if ('clientCredentialsOf' in removal) return this.mintsTokens(removal.clientCredentialsOf);
    return 'clientId' in removal ? this.queries.getClient(removal.clientId) !== null : this.queries.getClientGrant(removal.grantId) !== null;
  }

  /** Whether the client exists and may use client_credentials (the token endpoint refuses it otherwise). */
  private mintsTokens(clientId: string): boolean {
    return this.queries.getClient(clientId)?.grantTypes.includes(CLIENT_CREDENTIALS) ?? false;
  }
}

function pendingOf(last: RecordedEvent | undefined): AccessRemoval[] {
  const pending: unknown = last?.data.pending;
  return Array.isArray(pending) ? pending.filter(isRemoval) : [];
}

function isRemoval(value: unknown): value is AccessRemoval {
  if (typeof value !== 'object' || value === null) return false;
  const fields: Record<string, unknown> = { ...value };
  return typeof fields.clientId === 'string' || typeof fields.grantId === 'string' || typeof fields.clientCredentialsOf === 'string';
}

function removes(removal: AccessRemoval, grant: { clientId: string; grantId: string }): boolean {
  if ('clientCredentialsOf' in removal) return grant.clientId === removal.clientCredentialsOf;
  return 'clientId' in removal ? grant.clientId === removal.clientId : grant.grantId === removal.grantId;
}

function lockOut(removal: AccessRemoval) {
  if ('clientCredentialsOf' in removal) {
    return conflict(
      'This client is the last one holding every management scope; removing client_credentials would lock the management API out. Grant them to another client first.',
      'last_management_client',
    );
  }
  return 'clientId' in removal
    ? conflict('This client is the last one holding every management scope; grant them to another client first.', 'last_management_client')
    : conflict('This grant is the last one holding every management scope; grant them to another client first.', 'last_management_grant');
}
