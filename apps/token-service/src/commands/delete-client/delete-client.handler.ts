import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { clientDecider, clientStreamId, ClientNotFoundError, type DeleteClient } from '@app/clients';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { handleCommand } from '../handle-command';
import { awaitProjection } from '../read-your-writes';
import { metadataFor } from '../request-context';
import { cascadeClientDeletion } from './client-deletion-cascade';
import { DeleteClientCommand } from './delete-client.command';

@CommandHandler(DeleteClientCommand)
export class DeleteClientHandler implements ICommandHandler<DeleteClientCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ clientId, context }: DeleteClientCommand): Promise<{ revoked: number }> {
    const { store, ids, clock } = this.runtime;
    const now = clock.now();
    const command: DeleteClient = { type: 'DeleteClient', data: { clientId, now } };
    const result = await handleCommand(store, clientStreamId(clientId), clientDecider, command, metadataFor(context, now, 'client_deleted'), ids);
    // An already deleted client is 404 to the caller (it is no longer a client), after finishing any cascade left over.
    await awaitProjection(this.runtime, result.position);
    const revoked = await cascadeClientDeletion(this.runtime, clientId, { correlationId: context.correlationId, causationId: context.causationId });
    if (result.events.length === 0) throw new ClientNotFoundError(clientId);
    return { revoked };
  }
}
