import { Body, Controller, Delete, Get, HttpCode, Param, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MAX_TAKE } from '@app/read-model';
import type { RequestContext } from '../../commands/request-context';
import { RevokeManyCommand } from '../../commands/revoke-many/revoke-many.command';
import { characters, parseManagementInput, parsePathParam, text } from '../../errors/validation';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { ManagementContext } from '../auth/principal.decorator';
import { RequireScopes } from '../auth/scopes';
import { ListUserRefreshTokensQuery } from '../../queries/listing.queries';
import { presentRefreshToken } from '../presenters';
import { revokeInput } from '../reason';

const listQuery = z
  .object({ from: characters(512, 1).optional(), take: z.coerce.number().int().min(1).max(MAX_TAKE).default(50) })
  .strict();
/** The filters of a bulk revocation, in the query or the JSON body: one strict schema for both. */
const revokeFilters = z.object({ client_id: text().optional(), device_id: text().optional(), reason: text().optional() }).strict();

export const USER_BULK_REVOKE_REASON = 'user_bulk_revoke';

@ApiTags('management: users')
@ApiBearerAuth()
@UseGuards(ManagementAuthGuard)
@Controller('api/v2/users/:userId/refresh-tokens')
export class UserRefreshTokensController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** The user's valid refresh tokens, cursor-paged (`from`, `take`). */
  @Get()
  @RequireScopes('read:refresh_tokens')
  async list(@Param('userId') userId: string, @Query() query: unknown) {
    const q = parseManagementInput(listQuery, query, 'query');
    const page = await this.queries.execute(new ListUserRefreshTokensQuery(parsePathParam('user_id', userId), { from: q.from, take: q.take }));
    return { tokens: page.tokens.map(presentRefreshToken), ...(page.next ? { next: page.next } : {}) };
  }

  /** Revoke all of the user's (optionally of one client and/or device): one event per token. */
  @Delete()
  @HttpCode(204)
  @RequireScopes('delete:refresh_tokens')
  async revokeAll(@Param('userId') userId: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext) {
    const user = parsePathParam('user_id', userId);
    const filters = revokeInput(revokeFilters, query, body);
    await this.commands.execute(
      new RevokeManyCommand(
        { kind: 'user', userId: user, clientId: filters.client_id, deviceId: filters.device_id },
        filters.reason ?? USER_BULK_REVOKE_REASON,
        context,
      ),
    );
  }
}
