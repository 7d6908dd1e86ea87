import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClientGrantAlreadyExistsError, ClientGrantNotFoundError, ClientNotFoundError, clientGrantDecider, clientGrantStreamId } from '@app/clients';
import type { ClientGrantRecord } from '@app/read-model';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { handleCommand } from '../handle-command';
import { awaitProjection } from '../read-your-writes';
import { metadataFor } from '../request-context';
import { CreateClientGrantCommand, DeleteClientGrantCommand } from './client-grant.commands';

@CommandHandler(CreateClientGrantCommand)
export class CreateClientGrantHandler implements ICommandHandler<CreateClientGrantCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ input, context }: CreateClientGrantCommand): Promise<ClientGrantRecord> {
    const { store, ids, clock, queries } = this.runtime;
    if (!queries.getClient(input.clientId)) throw new ClientNotFoundError(input.clientId);
    // Auth0: one grant per (client, audience). Checked on the read model: a
    // concurrent duplicate is possible across nodes and harmless (scopes are unioned on use).
    if (queries.listClientGrants({ clientId: input.clientId, audience: input.audience }).length > 0) {
      throw new ClientGrantAlreadyExistsError(`${input.clientId}/${input.audience}`);
    }
    const grantId = `cgr_${ids.random(12)}`;
    const now = clock.now();
    const result = await handleCommand(
      store,
      clientGrantStreamId(grantId),
      clientGrantDecider,
      { type: 'CreateClientGrant', data: { grantId, ...input, now } },
      metadataFor(context, now),
      ids,
    );
    await awaitProjection(this.runtime, result.position);
    const grant = queries.getClientGrant(grantId);
    if (!grant) throw new Error(`client grant ${grantId} missing from the read model after creation`);
    return grant;
  }
}

@CommandHandler(DeleteClientGrantCommand)
export class DeleteClientGrantHandler implements ICommandHandler<DeleteClientGrantCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ grantId, context }: DeleteClientGrantCommand): Promise<void> {
    const { store, ids, clock } = this.runtime;
    const now = clock.now();
    const result = await handleCommand(
      store,
      clientGrantStreamId(grantId),
      clientGrantDecider,
      { type: 'DeleteClientGrant', data: { grantId, now } },
      metadataFor(context, now),
      ids,
    );
    if (result.events.length === 0) throw new ClientGrantNotFoundError(grantId);
    await awaitProjection(this.runtime, result.position);
  }
}
