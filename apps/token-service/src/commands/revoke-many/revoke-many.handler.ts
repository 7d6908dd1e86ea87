import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { RevokeManyCommand, type BulkRevocationOutcome } from './revoke-many.command';
import { revokeAll } from './revoke-all';

@CommandHandler(RevokeManyCommand)
export class RevokeManyHandler implements ICommandHandler<RevokeManyCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ selector, reason, context }: RevokeManyCommand): Promise<BulkRevocationOutcome> {
    const { queries } = this.runtime;
    const ids =
      selector.kind === 'user'
        ? queries.validCredentialIds({ userId: selector.userId, clientId: selector.clientId, deviceId: selector.deviceId })
        : queries.validCredentialIdsOfClient(selector.clientId);
    return { revoked: await revokeAll(this.runtime, ids, reason, context) };
  }
}
