import type { Logger } from 'pino';
import type { Runtime } from '../../infrastructure/runtime';
import { revokeAll } from '../revoke-many/revoke-all';
import { SYSTEM_ACTOR, type RequestContext } from '../request-context';

export const CLIENT_DELETED_REASON = 'client_deleted';

/**
 * The revocations that follow a ClientDeleted. The read model stops
 * validating the client's tokens in the same commit as ClientDeleted, so the
 * cascade is about the record (and Kafka): each token gets its own
 * RefreshTokenRevoked by `system`. If the process dies half-way, start-up
 * resumes it (`resumePending`), so no revocation is lost (invariant 8).
 */
export async function cascadeClientDeletion(runtime: Runtime, clientId: string, context: Omit<RequestContext, 'actor'>): Promise<number> {
  const ids = runtime.queries.validCredentialIdsOfClient(clientId);
  return revokeAll(runtime, ids, CLIENT_DELETED_REASON, { ...context, actor: SYSTEM_ACTOR });
}

export async function resumePendingCascades(runtime: Runtime, logger: Logger): Promise<void> {
  for (const clientId of runtime.queries.deletedClientsWithValidTokens()) {
    const revoked = await cascadeClientDeletion(runtime, clientId, { correlationId: `resume-client-deletion-${clientId}` });
    logger.warn({ clientId, revoked }, 'resumed an interrupted client-deletion cascade');
  }
}
