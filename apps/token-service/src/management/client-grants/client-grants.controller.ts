import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CredentialQueries } from '@app/read-model';
import type { RequestContext } from '../../commands/request-context';
import { badRequest } from '../../errors/management-error';
import { characters, parseManagementInput, parsePathParam, text } from '../../errors/validation';
import { MANAGEMENT_AUDIENCE } from '../../infrastructure/tokens';
import { ManagementAuthGuard, type ManagementPrincipal } from '../auth/management-auth.guard';
import { ManagementContext, Principal } from '../auth/principal.decorator';
import { MANAGEMENT_SCOPES, RequireScopes } from '../auth/scopes';
import { pagedList, pageOf, pagingParams } from '../paging';
import { presentClientGrant } from '../presenters';
import { reasonOnly, revokeInput } from '../reason';
import { CreateClientGrantHandler, DeleteClientGrantHandler } from './client-grant.handlers';

export const createClientGrantBody = z
  .object({
    client_id: text(),
    audience: text(1024),
    scope: z.array(text()).max(1000),
  })
  .strict();
export const listClientGrantsQuery = z
  .object({ client_id: characters(256).optional(), audience: characters(1024).optional(), ...pagingParams })
  .strict();

@UseGuards(ManagementAuthGuard)
@Controller('api/v2/client-grants')
export class ClientGrantsController {
  constructor(
    private readonly creation: CreateClientGrantHandler,
    private readonly deletion: DeleteClientGrantHandler,
    private readonly queries: CredentialQueries,
    @Inject(MANAGEMENT_AUDIENCE) private readonly audience: string,
  ) {}

  /** The scopes a client may get through client_credentials for an audience (Auth0's shape). */
  @Post()
  @RequireScopes('create:client_grants')
  async create(@Body() body: unknown, @ManagementContext() context: RequestContext, @Principal() principal: ManagementPrincipal) {
    const input = parseManagementInput(createClientGrantBody, body);
    if (input.audience !== this.audience) {
      throw badRequest(`audience must be the management API, ${this.audience}`, 'invalid_audience');
    }
    const unknown = input.scope.filter((s) => !(MANAGEMENT_SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) throw badRequest(`Unknown scope(s): ${unknown.join(', ').slice(0, 300)}`, 'invalid_scope');
    const grant = await this.creation.execute({ clientId: input.client_id, audience: input.audience, scope: input.scope }, context, principal.scopes);
    return presentClientGrant(grant);
  }

  @Get()
  @RequireScopes('read:client_grants')
  list(@Query() query: unknown) {
    const q = parseManagementInput(listClientGrantsQuery, query, 'query');
    const all = this.queries.listClientGrants({ clientId: q.client_id, audience: q.audience });
    return pagedList('client_grants', pageOf(all, q).map(presentClientGrant), all.length, q);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:client_grants')
  async remove(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext): Promise<void> {
    parsePathParam('id', id);
    const { reason } = revokeInput(reasonOnly, query, body);
    await this.deletion.execute(id, reason, context);
  }
}
