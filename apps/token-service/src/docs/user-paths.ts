import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { refreshTokenSchema, userMatchSchema } from '../management/presenters';
import { listUserRefreshTokensQuery, revokeUserRefreshTokensFilters } from '../management/users/user-refresh-tokens.controller';
import { searchUsersQuery } from '../management/users/users.controller';
import type { ManagementOperation } from './openapi-document';

/** The document's `management()` helper, passed in (this file is imported by the document). */
type ManagementOperationFactory = (op: ManagementOperation) => ZodOpenApiOperationObject;

const userId = z.object({ user_id: z.string().meta({ description: 'The user id', examples: ['auth0|alice'] }) });

/** /api/v2/users: finding the user ids that have tokens, and a user's tokens. */
export function userPaths(management: ManagementOperationFactory): ZodOpenApiPathsObject {
  return {
  '/api/v2/users': {
    get: management({
      tag: 'users',
      summary: 'Find the user ids that have refresh tokens (revoked ones too) by the start of the id or of its part after the connection',
      scope: 'read:refresh_tokens',
      query: searchUsersQuery,
      status: 200,
      response: z.array(userMatchSchema),
      errors: [400],
    }),
  },
  '/api/v2/users/{user_id}/refresh-tokens': {
    get: management({
      tag: 'users',
      summary: "A user's refresh tokens: offset paging (page, per_page, include_totals) or checkpoint paging (from, take)",
      scope: 'read:refresh_tokens',
      path: userId,
      query: listUserRefreshTokensQuery,
      status: 200,
      response: z.union([
        z.object({ tokens: z.array(refreshTokenSchema), next: z.string().optional().meta({ description: 'Checkpoint paging: `from` of the next page' }) }).strict(),
        z.object({ start: z.number().int(), limit: z.number().int(), length: z.number().int(), total: z.number().int(), tokens: z.array(refreshTokenSchema) }).strict(),
      ]),
      errors: [400],
    }),
    delete: management({
      tag: 'users',
      summary: "Revoke all of the user's refresh tokens (optionally of one client and/or device)",
      scope: 'delete:refresh_tokens',
      path: userId,
      query: revokeUserRefreshTokensFilters,
      body: revokeUserRefreshTokensFilters,
      status: 204,
      errors: [400],
    }),
  },
  };
}
