import { Body, Controller, Delete, Get, HttpCode, Param, Query, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CredentialQueries, MAX_TAKE } from '@app/read-model';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import type { RequestContext } from '../../commands/request-context';
import { characters, parseManagementInput, parsePathParam, text } from '../../errors/validation';
import { RevokeManyCommand } from '../../revocation/revoke-many.command';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { ManagementContext } from '../auth/principal.decorator';
import { RequireScopes } from '../auth/scopes';
import { presentRefreshToken } from '../presenters';
import { revokeInput } from '../reason';

const listQuery = z
  .object({ from: characters(512, 1).optional(), take: z.coerce.number().int().min(1).max(MAX_TAKE).default(50) })
  .strict();
/** The filters of a bulk revocation, in the query or the JSON body: one strict schema for both. */
const revokeFilters = z.object({ client_id: text().optional(), device_id: text().optional(), reason: text().optional() }).strict();

@ApiTags('management: users')
@ApiBearerAuth()
@UseGuards(ManagementAuthGuard)
@Controller('api/v2/users/:userId/refresh-tokens')
export class UserRefreshTokensController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: CredentialQueries,
  ) {}

  /** The user's valid refresh tokens, cursor-paged (`from`, `take`). */
  @Get()
  @RequireScopes('read:refresh_tokens')
  list(@Param('userId') userId: string, @Query() query: unknown) {
    const q = parseManagementInput(listQuery, query, 'query');
    const page = this.queries.listByUser(parsePathParam('user_id', userId), { from: q.from, take: q.take });
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
        filters.reason ?? REVOCATION_REASONS.userBulkRevoke,
        context,
      ),
    );
  }
}
