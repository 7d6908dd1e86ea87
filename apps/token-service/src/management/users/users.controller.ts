import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CredentialQueries, MAX_USER_SEARCH } from '@app/read-model';
import { parseManagementInput, text } from '../../errors/validation';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { RequireScopes } from '../auth/scopes';
import type { userMatchSchema } from '../refresh-token-schemas';

const USER_SEARCH_DEFAULT = 10;

export const searchUsersQuery = z
  .object({
    q: text(256).min(1).meta({
      description: 'The start of a user id, or of its part after the connection: `alice` finds `auth0|alice`. Case-sensitive; `%` and `_` are plain characters',
      examples: ['alice', 'auth0|al'],
    }),
    per_page: z.coerce.number().int().min(1).max(MAX_USER_SEARCH).default(USER_SEARCH_DEFAULT).meta({ description: `Most user ids answered (1-${MAX_USER_SEARCH}, default ${USER_SEARCH_DEFAULT})` }),
  })
  .strict();

/**
 * Users are the login service's; this service knows only the user ids its
 * refresh tokens were issued to. GET /api/v2/users finds those ids by prefix
 * (Auth0's path and array answer; not its Lucene `q`), for the admin page's search.
 */
@UseGuards(ManagementAuthGuard)
@Controller('api/v2/users')
export class UsersController {
  constructor(private readonly queries: CredentialQueries) {}

  @Get()
  @RequireScopes('read:refresh_tokens')
  search(@Query() query: unknown): z.input<typeof userMatchSchema>[] {
    const q = parseManagementInput(searchUsersQuery, query, 'query');
    return this.queries.searchUsers(q.q, q.per_page).map((u) => ({ user_id: u.userId, valid_tokens: u.validTokens, last_issued_at: u.lastIssuedAt }));
  }
}
