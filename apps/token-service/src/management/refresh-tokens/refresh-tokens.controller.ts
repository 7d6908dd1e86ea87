import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { IssueRefreshTokenCommand } from '../../commands/issue-refresh-token/issue-refresh-token.command';
import type { RequestContext } from '../../commands/request-context';
import { RevokeRefreshTokenCommand } from '../../commands/revoke-refresh-token/revoke-refresh-token.command';
import { notFound } from '../../errors/management-error';
import { characters, parseManagementInput, parsePathParam, text } from '../../errors/validation';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { ManagementContext } from '../auth/principal.decorator';
import { RequireScopes } from '../auth/scopes';
import { presentRefreshToken } from '../presenters';
import { reasonOf } from '../reason';
import { tokenHistory } from '@app/audit';

const issue = z
  .object({
    client_id: text(),
    user_id: text(),
    device_name: text(),
    device_id: text().optional(),
    scope: characters(2048, 1),
  })
  .strict();

export const REFRESH_TOKEN_DELETED_REASON = 'refresh_token_deleted';

@ApiTags('management: refresh tokens')
@ApiBearerAuth()
@UseGuards(ManagementAuthGuard)
@Controller('api/v2/refresh-tokens')
export class RefreshTokensController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Post()
  @RequireScopes('create:refresh_tokens')
  @ApiOperation({ summary: 'Issue a refresh token (scope must contain offline_access); the plaintext is in this response only' })
  async create(@Body() body: unknown, @ManagementContext() context: RequestContext) {
    const input = parseManagementInput(issue, body);
    const issued = await this.commands.execute(
      new IssueRefreshTokenCommand(
        { clientId: input.client_id, userId: input.user_id, deviceName: input.device_name, deviceId: input.device_id, scope: input.scope },
        context,
      ),
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
    };
  }

  @Get(':id')
  @RequireScopes('read:refresh_tokens')
  get(@Param('id') id: string) {
    const credential = this.runtime.queries.findById(parsePathParam('id', id));
    if (!credential) throw notFound('The refresh token does not exist');
    return presentRefreshToken(credential);
  }

  /** Idempotent: 204 also when already revoked, with no second event (invariant 4). */
  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:refresh_tokens')
  async revoke(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext) {
    await this.commands.execute(new RevokeRefreshTokenCommand(parsePathParam('id', id), reasonOf(query, body, REFRESH_TOKEN_DELETED_REASON), context));
  }

  @Get(':id/history')
  @RequireScopes('read:refresh_tokens')
  @ApiOperation({ summary: "The token's events in log order, from the event store (not the read model)" })
  async history(@Param('id') id: string) {
    const events = await tokenHistory(this.runtime.store, parsePathParam('id', id));
    if (events.length === 0) throw notFound('The refresh token does not exist');
    return { events };
  }
}
