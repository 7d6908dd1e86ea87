import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ClientCommand, type ClientEvent, ClientNotFoundError, type DeleteClient } from '@app/clients';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import type { Clock } from '@app/shared';
import type { DeciderCommandHandler } from '../../commands/decider-command-handler';
import { metadataFor } from '../../commands/request-context';
import { CLIENT_COMMANDS, CLOCK } from '../../infrastructure/tokens';
import { ClientDeletionCascade } from '../../revocation/client-deletion-cascade';
import { AdminRemovals } from '../auth/admin-removals';
import { DeleteClientCommand } from './delete-client.command';

@CommandHandler(DeleteClientCommand)
export class DeleteClientHandler implements ICommandHandler<DeleteClientCommand> {
  constructor(
    @Inject(CLIENT_COMMANDS) private readonly clients: DeciderCommandHandler<ClientCommand, ClientEvent>,
    private readonly cascade: ClientDeletionCascade,
    private readonly adminRemovals: AdminRemovals,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ clientId, reason, context }: DeleteClientCommand): Promise<{ revoked: number }> {
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
