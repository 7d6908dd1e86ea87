import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { clientDecider, clientStreamId, isPublicClient, resolveTokenEndpointAuthMethod, type RegisterClient } from '@app/clients';
import { generateClientId, generateClientSecret, hashClientSecret } from '@app/signing';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { handleCommand } from '../handle-command';
import { awaitProjection } from '../read-your-writes';
import { metadataFor } from '../request-context';
import { RegisterClientCommand, type RegisteredClient } from './register-client.command';

@CommandHandler(RegisterClientCommand)
export class RegisterClientHandler implements ICommandHandler<RegisterClientCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ input, context }: RegisterClientCommand): Promise<RegisteredClient> {
    const { store, ids, clock, sealer, queries } = this.runtime;
    const clientId = input.clientId ?? generateClientId();
    const method = resolveTokenEndpointAuthMethod(input.appType, input.tokenEndpointAuthMethod);
    const clientSecret = isPublicClient(method) ? null : (input.clientSecret ?? generateClientSecret());
    const now = clock.now();
    const command: RegisterClient = {
      type: 'RegisterClient',
      data: {
        clientId,
        name: input.name,
        appType: input.appType,
        tokenEndpointAuthMethod: method,
        clientSecretHash: clientSecret === null ? null : await hashClientSecret(clientSecret),
        // HS256 id_tokens are signed with the client secret, so it must be recoverable: sealed, never plain.
        ...(input.jwtConfiguration?.alg === 'HS256' && clientSecret !== null ? { sealedClientSecret: sealer.seal(clientSecret, clientId) } : {}),
        jwtConfiguration: input.jwtConfiguration,
        grantTypes: input.grantTypes,
        now,
      },
    };
    const result = await handleCommand(store, clientStreamId(clientId), clientDecider, command, metadataFor(context, now), ids);
    await awaitProjection(this.runtime, result.position);
    const client = queries.getClient(clientId);
    if (!client) throw new Error(`client ${clientId} missing from the read model after registration`);
    return { client, clientSecret };
  }
}
