import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { awaitProjection } from '../../commands/read-your-writes';
import { revokeCredential } from '../../commands/revoke-refresh-token/revoke-credential';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { ClientAuthenticator } from '../shared/client-authenticator';
import { findRefreshToken } from '../shared/credential-check';
import { RevokeTokenCommand } from './revoke.command';

export const RFC7009_REASON = 'rfc7009';

@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  private readonly logger = new Logger('RevokeToken');

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly clients: ClientAuthenticator,
  ) {}

  async execute({ token, client: presented, correlationId, clientIp }: RevokeTokenCommand): Promise<void> {
    const client = await this.clients.authenticate(presented, clientIp);
    // Only refresh tokens are revocable here: our access and id tokens are
    // self-contained JWTs. Whatever the hint says we look the token up as a
    // refresh token (§2.1: the hint only speeds up the search).
    const credential = findRefreshToken(this.runtime.queries, token);
    // §2.2: an unknown token, or one of another client (§2.1: "the authorization
    // server ... verifies whether the token was issued to the client making
    // the revocation request"), is answered 200 and not revoked.
    if (!credential || credential.revokedAt !== null) return;
    if (credential.clientId !== client.clientId) {
      this.logger.warn(`client ${client.clientId} tried to revoke credential ${credential.credentialId} of another client`);
      return;
    }
    const outcome = await revokeCredential(this.runtime, credential.credentialId, RFC7009_REASON, { actor: client.clientId, correlationId });
    await awaitProjection(this.runtime, outcome.position);
  }
}
