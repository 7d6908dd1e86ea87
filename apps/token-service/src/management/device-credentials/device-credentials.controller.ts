import { Body, Controller, Delete, Get, HttpCode, Param, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CredentialQueries } from '@app/read-model';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import type { RequestContext } from '../../commands/request-context';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { notFound } from '../../errors/management-error';
import { characters, parseManagementInput, parsePathParam, text } from '../../errors/validation';
import { CredentialRevoker } from '../../revocation/credential-revoker';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { ManagementContext } from '../auth/principal.decorator';
import { RequireScopes } from '../auth/scopes';
import { pagedList, pagingParams, queryBoolean } from '../paging';
import { presentDeviceCredential } from '../presenters';
import { reasonOf } from '../reason';

const FIELDS = ['id', 'device_name', 'device_id', 'type', 'user_id', 'client_id'] as const;
export const listDeviceCredentialsQuery = z
  .object({
    user_id: text().optional(),
    client_id: text().optional(),
    type: z.enum(['public_key', 'refresh_token', 'rotating_refresh_token']).default('refresh_token'),
    ...pagingParams,
    fields: characters(512).optional().meta({ description: 'Comma-separated fields to include (or exclude, with include_fields=false)' }),
    include_fields: queryBoolean.default(true),
  })
  .strict();

@UseGuards(ManagementAuthGuard)
@Controller('api/v2/device-credentials')
export class DeviceCredentialsController {
  constructor(
    private readonly revoker: CredentialRevoker,
    private readonly queries: CredentialQueries,
    private readonly reads: ConsistentReads,
  ) {}

  /** Only valid credentials; Auth0's paging and field selection. */
  @Get()
  @RequireScopes('read:device_credentials')
  list(@Query() query: unknown) {
    const q = parseManagementInput(listDeviceCredentialsQuery, query, 'query');
    const selected = selectFields(q.fields, q.include_fields);
    // This service keeps refresh tokens only: other credential types are an empty list, not an error.
    const page =
      q.type === 'refresh_token'
        ? this.queries.listValidDeviceCredentials({ userId: q.user_id, clientId: q.client_id, page: q.page, perPage: q.per_page })
        : { credentials: [], total: 0 };
    const items = page.credentials.map((c) => pick(presentDeviceCredential(c), selected));
    return pagedList('device_credentials', items, page.total, q);
  }

  /** 204; an unknown or already revoked id is 404: it is no longer a device credential (the decider says which, by appending nothing). */
  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:device_credentials')
  async remove(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown, @ManagementContext() context: RequestContext) {
    const credentialId = parsePathParam('id', id);
    if (!(await this.reads.credential(credentialId))) throw notFound('The device credential does not exist');
    const outcome = await this.revoker.revoke(id, reasonOf(query, body, REVOCATION_REASONS.deviceCredentialDeleted), context);
    if (!outcome.revoked) throw notFound('The device credential does not exist');
  }
}

function selectFields(fields: string | undefined, include: boolean): Set<string> {
  if (!fields) return new Set(FIELDS);
  const named = new Set(fields.split(',').map((f) => f.trim()).filter((f) => (FIELDS as readonly string[]).includes(f)));
  return include ? named : new Set(FIELDS.filter((f) => !named.has(f)));
}

function pick<T extends Record<string, unknown>>(item: T, fields: Set<string>): Partial<T> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => fields.has(k))) as Partial<T>;
}
