import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { tokenHistory } from '@app/audit';
import type { EventStore } from '@app/event-store';
import { CredentialQueries } from '@app/read-model';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import type { RequestContext } from '../../commands/request-context';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { notFound } from '../../errors/management-error';
import { characters, parseManagementInput, parsePathParam, text } from '../../errors/validation';
import type { ServedLog } from '@app/verifiable-log';
import { EVENT_STORE, VERIFIABLE_LOG } from '../../infrastructure/tokens';
import { CredentialRevoker } from '../../revocation/credential-revoker';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { ManagementContext } from '../auth/principal.decorator';
import { RequireScopes } from '../auth/scopes';
import { presentRefreshToken } from '../presenters';
import { reasonOf } from '../reason';
import { dpopJktParam } from './dpop-jkt-param';
import { IssueRefreshTokenHandler } from './issue-refresh-token.handler';

export const issueRefreshTokenBody = z
  .object({
    client_id: text(),
    user_id: text(),
    device_name: text(),
    device_id: text().optional(),
    scope: characters(2048, 1),
    dpop_jkt: dpopJktParam.optional(),
  })
  .strict();

@UseGuards(ManagementAuthGuard)
@Controller('api/v2/refresh-tokens')
export class RefreshTokensController {
  constructor(
    private readonly issuance: IssueRefreshTokenHandler,
    private readonly revoker: CredentialRevoker,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reads: ConsistentReads,
    private readonly queries: CredentialQueries,
    @Inject(VERIFIABLE_LOG) private readonly verifiableLog: ServedLog | undefined,
  ) {}

  @Post()
  @RequireScopes('create:refresh_tokens')
  async create(@Body() body: unknown, @ManagementContext() context: RequestContext) {
    const input = parseManagementInput(issueRefreshTokenBody, body);
    const issued = await this.issuance.execute(
      { clientId: input.client_id, userId: input.user_id, deviceName: input.device_name, deviceId: input.device_id, scope: input.scope, dpopJkt: input.dpop_jkt },
      context,
    );
    return {
      id: issued.id,
      refresh_token: issued.refreshToken,
      client_id: issued.clientId,
      user_id: issued.userId,
      device_name: issued.deviceName,
      device_id: issued.deviceId,
      scope: issued.scope,
      created_at: issued.createdAt,
      dpop_jkt: issued.dpopJkt ?? null,
    };
  }

  @Get(':id')
  @RequireScopes('read:refresh_tokens')
  async get(@Param('id') id: string) {
    const credentialId = parsePathParam('id', id);
    const credential = await this.reads.credential(credentialId);
    if (!credential) throw notFound('The refresh token does not exist');
    // Its client was registered before it was issued: this read model has it.
    return presentRefreshToken(credential, this.queries.getClient(credential.clientId, { includeDeleted: true }));
  }

  /** Idempotent: 204 also when already revoked, with no second event (invariant 4). */
  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:refresh_tokens')
  async revoke(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext) {
    await this.revoker.revoke(parsePathParam('id', id), reasonOf(query, body, REVOCATION_REASONS.refreshTokenDeleted), context);
  }

  @Get(':id/history')
  @RequireScopes('read:refresh_tokens')
  async history(@Param('id') id: string) {
    const events = await tokenHistory(this.store, parsePathParam('id', id));
    if (events.length === 0) throw notFound('The refresh token does not exist');
    // Each event's leaf in the verifiable log (null until appended, or where the log runs in another process).
    return { events: events.map((e) => ({ ...e, leaf_index: this.verifiableLog?.tree.leafIndexAt(e.log_position) ?? null })) };
  }
}
