import { Inject, Injectable } from '@nestjs/common';
import { type AppType, type ClientCommand, type RefreshTokenPolicyInput, type ClientEvent, isPublicClient, type RegisterClient, resolveTokenEndpointAuthMethod, type SigningAlg, type TokenEndpointAuthMethod } from '@app/clients';
import { type ClientRecord, CredentialQueries } from '@app/read-model';
import type { Clock } from '@app/shared';
import { generateClientId, generateClientSecret, hashClientSecret, KeyStore, SecretSealer, SigningAlgUnavailableError } from '@app/signing';
import type { DeciderCommandHandler } from '../../commands/decider-command-handler';
import { metadataFor, type RequestContext } from '../../commands/request-context';
import { CLIENT_COMMANDS, CLOCK } from '../../infrastructure/tokens';

export interface RegisterClientInput {
  name: string;
  appType: AppType;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  jwtConfiguration?: { alg?: SigningAlg; lifetimeInSeconds?: number };
  grantTypes?: string[];
  allowedClients?: string[];
  refreshToken?: RefreshTokenPolicyInput;
  requireProofOfPossession?: boolean;
  /** Bootstrap only: a fixed id and secret from the environment. */
  clientId?: string;
  clientSecret?: string;
}

export interface RegisteredClient {
  client: ClientRecord;
  /** Plaintext, returned once in the 201 (null for a public client). */
  clientSecret: string | null;
}

@Injectable()
export class RegisterClientHandler {
  constructor(
    @Inject(CLIENT_COMMANDS) private readonly clients: DeciderCommandHandler<ClientCommand, ClientEvent>,
    private readonly queries: CredentialQueries,
    private readonly sealer: SecretSealer,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: KeyStore,
  ) {}

  async execute(input: RegisterClientInput, context: RequestContext): Promise<RegisteredClient> {
    const alg = input.jwtConfiguration?.alg;
    // HS256 signs with the client's own secret; any other alg needs a key of ours, else every delegation would fail.
    if (alg !== undefined && alg !== 'HS256' && !this.keys.algorithms().includes(alg)) {
      throw new SigningAlgUnavailableError(
        `jwt_configuration.alg ${alg} is not available: the service has no active ${alg} signing key (it signs with ${[...this.keys.algorithms(), 'HS256'].join(', ')})`,
      );
    }
    const clientId = input.clientId ?? generateClientId();
    const method = resolveTokenEndpointAuthMethod(input.appType, input.tokenEndpointAuthMethod);
    const clientSecret = isPublicClient(method) ? null : (input.clientSecret ?? generateClientSecret());
    const now = this.clock.now();
    const command: RegisterClient = {
      type: 'RegisterClient',
      data: {
        clientId,
        name: input.name,
        appType: input.appType,
        tokenEndpointAuthMethod: method,
        clientSecretHash: clientSecret === null ? null : await hashClientSecret(clientSecret),
        // HS256 id_tokens are signed with the client secret, so it must be recoverable: sealed, never plain.
        ...(input.jwtConfiguration?.alg === 'HS256' && clientSecret !== null ? { sealedClientSecret: this.sealer.seal(clientSecret, clientId) } : {}),
        jwtConfiguration: input.jwtConfiguration,
        grantTypes: input.grantTypes,
        allowedClients: input.allowedClients,
        refreshToken: input.refreshToken,
        requireProofOfPossession: input.requireProofOfPossession,
        now,
      },
    };
    await this.clients.handle(clientId, command, metadataFor(context, now));
    const client = this.queries.getClient(clientId);
    if (!client) throw new Error(`client ${clientId} missing from the read model after registration`);
    return { client, clientSecret };
  }
}
