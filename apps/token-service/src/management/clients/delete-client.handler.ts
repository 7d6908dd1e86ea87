import { Inject, Injectable } from '@nestjs/common';
import { type ClientCommand, type ClientEvent, ClientNotFoundError, type DeleteClient } from '@app/clients';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import type { Clock } from '@app/shared';
import type { DeciderCommandHandler } from '../../commands/decider-command-handler';
import { metadataFor, type RequestContext } from '../../commands/request-context';
import { conflict } from '../../errors/management-error';
import { CLIENT_COMMANDS, CLOCK, MANAGEMENT_CLIENT_ID } from '../../infrastructure/tokens';
import { ClientDeletionCascade } from '../../revocation/client-deletion-cascade';
import { AdminRemovals } from '../auth/admin-removals';

/** Delete a client: ClientDeleted, then every token of it revoked by `system` (F4). */
@Injectable()
export class DeleteClientHandler {
  constructor(
    @Inject(CLIENT_COMMANDS) private readonly clients: DeciderCommandHandler<ClientCommand, ClientEvent>,
    private readonly cascade: ClientDeletionCascade,
    private readonly adminRemovals: AdminRemovals,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGEMENT_CLIENT_ID) private readonly managementClientId: string | undefined,
  ) {}

  /** `reason`: the caller's, recorded in ClientDeleted's metadata; the cascade's revocations say `client_deleted`. */
  async execute(clientId: string, reason: string | undefined, context: RequestContext): Promise<{ revoked: number }> {
    // No lock-out: the operator's configured client stays.
    if (clientId === this.managementClientId) {
      throw conflict('This client is MANAGEMENT_CLIENT_ID, the bootstrap management client; unset or change that variable first.', 'management_client');
    }
    const now = this.clock.now();
    const command: DeleteClient = { type: 'DeleteClient', data: { clientId, now } };
    const metadata = metadataFor(context, now, reason ?? REVOCATION_REASONS.clientDeleted);
    // No lock-out: the last client holding every management scope stays (409), under concurrency too.
    await this.adminRemovals.admit({ clientId }, metadata);
    const result = await this.clients.handle(clientId, command, metadata);
    // An already deleted client is 404 to the caller (it is no longer a client), after finishing any cascade left over.
    const revoked = await this.cascade.run(clientId, { correlationId: context.correlationId, causationId: context.causationId });
    if (result.events.length === 0) throw new ClientNotFoundError(clientId);
    return { revoked };
  }
}
