import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClientNotFoundError, GrantTypeNotAllowedError } from '@app/clients';
import { generateRefreshToken, refreshTokenDecider, refreshTokenStreamId, type IssueRefreshToken } from '@app/refresh-tokens';
import { hashRefreshToken } from '@app/refresh-tokens/secret/token-hash';
import { generateCredentialId } from '@app/signing';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { handleCommand } from '../handle-command';
import { awaitProjection } from '../read-your-writes';
import { metadataFor } from '../request-context';
import { IssueRefreshTokenCommand, type IssuedRefreshToken } from './issue-refresh-token.command';

@CommandHandler(IssueRefreshTokenCommand)
export class IssueRefreshTokenHandler implements ICommandHandler<IssueRefreshTokenCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ input, context }: IssueRefreshTokenCommand): Promise<IssuedRefreshToken> {
    const { queries, store, ids, clock } = this.runtime;
    const client = queries.getClient(input.clientId);
    if (!client) throw new ClientNotFoundError(input.clientId);
    if (!client.grantTypes.includes('refresh_token')) throw new GrantTypeNotAllowedError('refresh_token', 'is not among the client\'s grant types');

    const refreshToken = generateRefreshToken(ids);
    const credentialId = generateCredentialId();
    const now = clock.now();
    // A device without an id of its own is a device of its own.
    const deviceId = input.deviceId ?? credentialId;
    const command: IssueRefreshToken = {
      type: 'IssueRefreshToken',
      data: { ...input, credentialId, deviceId, tokenHash: hashRefreshToken(refreshToken), now },
    };
    const result = await handleCommand(store, refreshTokenStreamId(credentialId), refreshTokenDecider, command, metadataFor(context, now), ids);
    await awaitProjection(this.runtime, result.position);
    const [issued] = result.events;
    if (issued?.type !== 'RefreshTokenIssued') throw new Error(`issuing ${credentialId} appended no RefreshTokenIssued`);
    const { clientId, userId, deviceName, scope, issuedAt } = issued.data;
    return { id: credentialId, refreshToken, clientId, userId, deviceId: issued.data.deviceId, deviceName, scope, createdAt: issuedAt };
  }
}
