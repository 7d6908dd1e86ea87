import { Command } from '@nestjs/cqrs';
import type { ClientRecord } from '@app/read-model';
import type { AppType, SigningAlg, TokenEndpointAuthMethod } from '@app/clients';
import type { RequestContext } from '../../commands/request-context';

export interface RegisterClientInput {
  name: string;
  appType: AppType;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  jwtConfiguration?: { alg?: SigningAlg; lifetimeInSeconds?: number };
  grantTypes?: string[];
  allowedClients?: string[];
  /** Bootstrap only: a fixed id and secret from the environment. */
  clientId?: string;
  clientSecret?: string;
}

export interface RegisteredClient {
  client: ClientRecord;
  /** Plaintext, returned once in the 201 (null for a public client). */
  clientSecret: string | null;
}

export class RegisterClientCommand extends Command<RegisteredClient> {
  constructor(
    readonly input: RegisterClientInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}
