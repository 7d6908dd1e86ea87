import { Body, Controller, Delete, Get, HttpCode, Param, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CredentialQueries, MAX_TAKE } from '@app/read-model';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import type { RequestContext } from '../../commands/request-context';
import { badRequest } from '../../errors/management-error';
import { characters, parseManagementInput, parsePathParam, text } from '../../errors/validation';
import { RevokeManyHandler } from '../../revocation/revoke-many.handler';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { ManagementContext } from '../auth/principal.decorator';
import { RequireScopes } from '../auth/scopes';
import { PER_PAGE_DEFAULT, pagingParams, queryBoolean, withTotals } from '../paging';
import { presentRefreshTokens } from '../presenters';
import { revokeInput } from '../reason';

const OFFSET_PAGING = ['page', 'per_page', 'include_totals'] as const;
const CHECKPOINT_PAGING = ['from', 'take'] as const;

/**
 * Offset paging (`page`, `per_page`, `include_totals`) as every listing, or
 * Auth0's checkpoint paging (`from`, `take`, answering `next`) for walking a
 * long list while it changes; not both. Neither: the first checkpoint page.
 */
export const listUserRefreshTokensQuery = z
  .object({
    ...pagingParams,
    from: characters(512, 1).optional().meta({ description: 'Checkpoint paging: the `next` of the previous page' }),
    take: z.coerce.number().int().min(1).max(MAX_TAKE).optional().meta({ description: `Checkpoint paging: tokens per page (1-${MAX_TAKE}, default 50)` }),
    include_revoked: queryBoolean.default(false).meta({ description: "true: revoked tokens too (and those of a deleted client), each with its revoked_at" }),
  })
  .strict();
/** The filters of a bulk revocation, in the query or the JSON body: one strict schema for both. */
export const revokeUserRefreshTokensFilters = z.object({ client_id: text().optional(), device_id: text().optional(), reason: text().optional() }).strict();

@UseGuards(ManagementAuthGuard)
@Controller('api/v2/users/:user_id/refresh-tokens')
export class UserRefreshTokensController {
  constructor(
    private readonly revokeMany: RevokeManyHandler,
    private readonly queries: CredentialQueries,
  ) {}

  /** The user's valid refresh tokens (revoked ones too with `include_revoked=true`), in issue order. */
  @Get()
  @RequireScopes('read:refresh_tokens')
  list(@Param('user_id') userId: string, @Query() query: unknown) {
    const user = parsePathParam('user_id', userId);
    const q = parseManagementInput(listUserRefreshTokensQuery, query, 'query');
    const given = (names: readonly string[]) => names.some((name) => (query as Record<string, unknown>)[name] !== undefined);
    const includeRevoked = q.include_revoked;
    if (given(OFFSET_PAGING)) {
      if (given(CHECKPOINT_PAGING)) {
        throw badRequest('Payload validation error: page, per_page and include_totals do not combine with from and take', 'invalid_query_string');
      }
      const page = this.queries.listUserTokens(user, { page: q.page, perPage: q.per_page, includeRevoked });
      const tokens = presentRefreshTokens(this.queries, page.tokens);
      return q.include_totals ? withTotals('tokens', tokens, page.total, q) : { tokens };
    }
    const page = this.queries.listByUser(user, { from: q.from, take: q.take ?? PER_PAGE_DEFAULT, includeRevoked });
    return { tokens: presentRefreshTokens(this.queries, page.tokens), ...(page.next ? { next: page.next } : {}) };
  }

  /** Revoke all of the user's (optionally of one client and/or device): one event per token. */
  @Delete()
  @HttpCode(204)
  @RequireScopes('delete:refresh_tokens')
  async revokeAll(@Param('user_id') userId: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext) {
    const user = parsePathParam('user_id', userId);
    const filters = revokeInput(revokeUserRefreshTokensFilters, query, body);
    await this.revokeMany.execute(
      { kind: 'user', userId: user, clientId: filters.client_id, deviceId: filters.device_id },
      filters.reason ?? REVOCATION_REASONS.userBulkRevoke,
      context,
    );
  }
}
