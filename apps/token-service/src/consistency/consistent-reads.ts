import { Injectable } from '@nestjs/common';
import { type ClientGrantRecord, type ClientRecord, type CredentialRecord, CredentialQueries, type PresentedCredential, type TokenCredential } from '@app/read-model';
import { hashRefreshToken } from '@app/refresh-tokens/secret/token-hash';
import { type SpanRecorder, withSpan } from '@app/tracing';
import { ProjectionSync } from './projection-sync';

/**
 * The one place a lookup is made consistent across replicas (invariant 9):
 * each method reads this node's read model and, when it finds nothing, lets
 * the projection reach the store's head and reads once more (503 past
 * READ_YOUR_WRITES_TIMEOUT_MS, never a wrong "not found"). A hit is answered
 * at once: what the read model shows was in the log.
 *
 * Listings (clients, grants, a user's tokens, device credentials) and the
 * selection of a bulk revocation read `CredentialQueries` as it is, without
 * a catch-up: an empty or short page is a valid answer rather than a miss, so
 * there is no negative to confirm, and a head read per listing would cost
 * every page. What this node wrote itself is already there (the command side
 * waits for its own writes); a write on another replica a moment ago shows on
 * the next page, and a bulk revocation repeated there revokes the rest.
 */
@Injectable()
export class ConsistentReads {
  constructor(
    private readonly queries: CredentialQueries,
    private readonly sync: ProjectionSync,
  ) {}

  /** A client that is not deleted. */
  client(clientId: string): Promise<ClientRecord | null> {
    return this.orCatchUp(() => this.queries.getClient(clientId));
  }

  /** A device credential by id, revoked or not. */
  credential(credentialId: string): Promise<CredentialRecord | null> {
    return this.orCatchUp(() => this.queries.findById(credentialId));
  }

  /** A credential by id with only the columns the OAuth endpoints need (an id_token's `sid`). */
  tokenCredential(credentialId: string): Promise<TokenCredential | null> {
    return this.orCatchUp(() => this.queries.findTokenCredentialById(credentialId));
  }

  /**
   * The credential a refresh token stands for, in any status, and which of its
   * generations the token is (a spent one too, so a reuse is seen): the read
   * model holds only hashes (invariant 2).
   */
  refreshToken(refreshToken: string): Promise<PresentedCredential | null> {
    // Traced (OTEL_*): found or not, and whether a miss waited for the store's head; never the token or its hash.
    return withSpan('read-model lookup by token hash', {}, async (span) => {
      const tokenHash = hashRefreshToken(refreshToken);
      const found = await this.orCatchUp(() => this.queries.findTokenCredentialByHash(tokenHash), span);
      span?.setAttribute('read_model.found', found !== null);
      return found;
    });
  }

  /** A client's grants for an audience; an empty list is a miss (a grant made elsewhere a moment ago). */
  async clientGrants(clientId: string, audience: string): Promise<ClientGrantRecord[]> {
    return (await this.orCatchUp(() => nonEmpty(this.queries.listClientGrants({ clientId, audience })))) ?? [];
  }

  /** A client and its grants for an audience, read together: caught up when either is missing. */
  async clientWithGrants(
    clientId: string,
    audience: string,
    select: (grants: ClientGrantRecord[]) => ClientGrantRecord[] = (grants) => grants,
  ): Promise<{ client: ClientRecord | null; grants: ClientGrantRecord[] }> {
    const read = () => ({ client: this.queries.getClient(clientId), grants: select(this.queries.listClientGrants({ clientId, audience })) });
    const first = read();
    if (first.client && first.grants.length > 0) return first;
    await this.sync.catchUpToHead();
    return read();
  }

  private async orCatchUp<T>(find: () => T | null, span?: SpanRecorder): Promise<T | null> {
    const found = find();
    span?.setAttribute('read_model.caught_up', found === null);
    if (found !== null) return found;
    await this.sync.catchUpToHead();
    return find();
  }
}

const nonEmpty = <T>(list: T[]): T[] | null => (list.length > 0 ? list : null);
