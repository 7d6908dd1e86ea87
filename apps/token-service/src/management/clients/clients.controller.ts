import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { APP_TYPES, type ClientChanges, MAX_ALLOWED_CLIENTS, SIGNING_ALGS, TOKEN_ENDPOINT_AUTH_METHODS, type AppType, type SigningAlg, type TokenEndpointAuthMethod } from '@app/clients';
import { CredentialQueries } from '@app/read-model';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import type { RequestContext } from '../../commands/request-context';
import { notFound } from '../../errors/management-error';
import { parseManagementInput, parsePathParam, text } from '../../errors/validation';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { RevokeManyHandler } from '../../revocation/revoke-many.handler';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { ManagementContext } from '../auth/principal.decorator';
import { RequireScopes } from '../auth/scopes';
import { presentClient } from '../presenters';
import { pagedList, pageOf, pagingParams } from '../paging';
import { reasonOf, reasonOnly, revokeInput } from '../reason';
import { DeleteClientHandler } from './delete-client.handler';
import { UpdateClientHandler } from './update-client.handler';
import { RegisterClientHandler, type RegisterClientInput } from './register-client.handler';
import { refreshTokenPolicyBody, toPolicyInput, withAuth0FieldNames } from './refresh-token-policy.body';

export const createClientBody = z
  .object({
    name: text(),
    app_type: z.enum(APP_TYPES as readonly [AppType, ...AppType[]]).default('regular_web'),
    token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS as readonly [TokenEndpointAuthMethod, ...TokenEndpointAuthMethod[]]).optional(),
    jwt_configuration: z
      .object({
        alg: z.enum(SIGNING_ALGS as readonly [SigningAlg, ...SigningAlg[]]).optional(),
        lifetime_in_seconds: z.number().int().optional(),
      })
      .strict()
      .optional(),
    grant_types: z.array(text()).max(32).optional(),
    allowed_clients: z.array(text()).max(MAX_ALLOWED_CLIENTS).optional(),
    refresh_token: refreshTokenPolicyBody.optional(),
    require_proof_of_possession: z
      .boolean()
      .optional()
      .meta({ description: 'Issue this client only DPoP-bound (sender-constrained) refresh tokens. Default false' }),
  })
  .strict();
/** Auth0's PATCH: the fields this service lets change; `refresh_token` is laid over the current policy. */
export const updateClientBody = z
  .object({
    name: createClientBody.shape.name.optional(),
    grant_types: createClientBody.shape.grant_types.meta({
      description: 'The whole new list. Taking client_credentials from the last client holding every management scope is refused (409)',
    }),
    allowed_clients: createClientBody.shape.allowed_clients,
    refresh_token: refreshTokenPolicyBody.optional().meta({ description: 'Laid over the current policy; it applies to each token family at its next exchange' }),
    require_proof_of_possession: createClientBody.shape.require_proof_of_possession,
  })
  .strict();
export const listClientsQuery = z.object(pagingParams).strict();

@UseGuards(ManagementAuthGuard)
@Controller('api/v2/clients')
export class ClientsController {
  constructor(
    private readonly registration: RegisterClientHandler,
    private readonly deletion: DeleteClientHandler,
    private readonly updating: UpdateClientHandler,
    private readonly revokeMany: RevokeManyHandler,
    private readonly queries: CredentialQueries,
    private readonly reads: ConsistentReads,
  ) {}

  @Post()
  @RequireScopes('create:clients')
  async create(@Body() body: unknown, @ManagementContext() context: RequestContext) {
    const input = parseManagementInput(createClientBody, body);
    const registration: RegisterClientInput = {
      name: input.name,
      appType: input.app_type,
      tokenEndpointAuthMethod: input.token_endpoint_auth_method,
      jwtConfiguration: input.jwt_configuration
        ? { alg: input.jwt_configuration.alg, lifetimeInSeconds: input.jwt_configuration.lifetime_in_seconds }
        : undefined,
      grantTypes: input.grant_types,
      allowedClients: input.allowed_clients,
      refreshToken: toPolicyInput(input.refresh_token),
      requireProofOfPossession: input.require_proof_of_possession,
    };
    const { client, clientSecret } = await withAuth0FieldNames(() => this.registration.execute(registration, context));
    return presentClient(client, clientSecret);
  }

  @Get()
  @RequireScopes('read:clients')
  list(@Query() query: unknown) {
    const paging = parseManagementInput(listClientsQuery, query, 'query');
    const all = this.queries.listClients();
    return pagedList('clients', pageOf(all, paging).map((c) => presentClient(c)), all.length, paging);
  }

  @Get(':id')
  @RequireScopes('read:clients')
  async get(@Param('id') id: string) {
    const clientId = parsePathParam('id', id);
    const client = await this.reads.client(clientId);
    if (!client) throw notFound('The client does not exist', 'inexistent_client');
    return presentClient(client);
  }

  @Patch(':id')
  @RequireScopes('update:clients')
  async update(@Param('id') id: string, @Body() body: unknown, @ManagementContext() context: RequestContext) {
    const clientId = parsePathParam('id', id);
    const input = parseManagementInput(updateClientBody, body);
    const changes: ClientChanges = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.grant_types === undefined ? {} : { grantTypes: input.grant_types }),
      ...(input.allowed_clients === undefined ? {} : { allowedClients: input.allowed_clients }),
      ...(input.refresh_token === undefined ? {} : { refreshToken: toPolicyInput(input.refresh_token) }),
      ...(input.require_proof_of_possession === undefined ? {} : { requireProofOfPossession: input.require_proof_of_possession }),
    };
    return presentClient(await withAuth0FieldNames(() => this.updating.execute(clientId, changes, context)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:clients')
  async remove(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext): Promise<void> {
    parsePathParam('id', id);
    const { reason } = revokeInput(reasonOnly, query, body);
    await this.deletion.execute(id, reason, context);
  }

  @Delete(':id/refresh-tokens')
  @HttpCode(204)
  @RequireScopes('delete:refresh_tokens')
  async revokeTokens(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext) {
    const clientId = parsePathParam('id', id);
    if (!(await this.reads.client(clientId))) throw notFound('The client does not exist', 'inexistent_client');
    await this.revokeMany.execute({ kind: 'client', clientId: id }, reasonOf(query, body, REVOCATION_REASONS.clientBulkRevoke), context);
  }
}
