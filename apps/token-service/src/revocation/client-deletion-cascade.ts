import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CredentialQueries } from '@app/read-model';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import { SYSTEM_ACTOR, type RequestContext } from '../commands/request-context';
import { LOGGER } from '../infrastructure/tokens';
import { CredentialRevoker } from './credential-revoker';

/**
 * The revocations that follow a ClientDeleted. The read model stops
 * validating the client's tokens in the same commit as ClientDeleted, so the
 * cascade is about the record (and Kafka): each token gets its own
 * RefreshTokenRevoked by `system`. If the process dies half-way, start-up
 * resumes it (`resumePending`), so no revocation is lost (invariant 8).
 */
@Injectable()
export class ClientDeletionCascade {
  constructor(
    private readonly queries: CredentialQueries,
    private readonly revoker: CredentialRevoker,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Revokes every still valid token of a deleted client; returns how many. */
  run(clientId: string, context: Omit<RequestContext, 'actor'>): Promise<number> {
    const ids = this.queries.validCredentialIdsOfClient(clientId);
    return this.revoker.revokeEach(ids, REVOCATION_REASONS.clientDeleted, { ...context, actor: SYSTEM_ACTOR });
  }

  /** At start-up and on each sweep (DeletedClientSweeper): finishes any cascade a crash or a concurrent issuance left. */
  async resumePending(): Promise<void> {
    for (const clientId of this.queries.deletedClientsWithValidTokens()) {
      const revoked = await this.run(clientId, { correlationId: `resume-client-deletion-${clientId}` });
      this.logger.warn({ clientId, revoked }, 'resumed an interrupted client-deletion cascade');
    }
  }
}
