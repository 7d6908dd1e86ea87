import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CredentialRevoker } from './credential-revoker';
import { RevokeRefreshTokenCommand, type RevocationOutcome } from './revoke-refresh-token.command';

@CommandHandler(RevokeRefreshTokenCommand)
export class RevokeRefreshTokenHandler implements ICommandHandler<RevokeRefreshTokenCommand> {
  constructor(private readonly revoker: CredentialRevoker) {}

  execute({ credentialId, reason, context }: RevokeRefreshTokenCommand): Promise<RevocationOutcome> {
    return this.revoker.revoke(credentialId, reason, context);
  }
}
