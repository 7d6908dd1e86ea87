import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { awaitProjection } from '../read-your-writes';
import { RevokeRefreshTokenCommand, type RevocationOutcome } from './revoke-refresh-token.command';
import { revokeCredential } from './revoke-credential';

@CommandHandler(RevokeRefreshTokenCommand)
export class RevokeRefreshTokenHandler implements ICommandHandler<RevokeRefreshTokenCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ credentialId, reason, context }: RevokeRefreshTokenCommand): Promise<RevocationOutcome> {
    const outcome = await revokeCredential(this.runtime, credentialId, reason, context);
    await awaitProjection(this.runtime, outcome.position);
    return outcome;
  }
}
