import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CredentialQueries } from '@app/read-model';
import { CredentialRevoker } from './credential-revoker';
import { RevokeManyCommand, type BulkRevocationOutcome } from './revoke-many.command';

@CommandHandler(RevokeManyCommand)
export class RevokeManyHandler implements ICommandHandler<RevokeManyCommand> {
  constructor(
    private readonly queries: CredentialQueries,
    private readonly revoker: CredentialRevoker,
  ) {}

  async execute({ selector, reason, context }: RevokeManyCommand): Promise<BulkRevocationOutcome> {
    const ids =
      selector.kind === 'user'
        ? this.queries.validCredentialIds({ userId: selector.userId, clientId: selector.clientId, deviceId: selector.deviceId })
        : this.queries.validCredentialIdsOfClient(selector.clientId);
    return { revoked: await this.revoker.revokeEach(ids, reason, context) };
  }
}
