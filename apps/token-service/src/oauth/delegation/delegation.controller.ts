import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { characters, parseOAuthParams, text } from '../../errors/validation';
import { presentedClient } from '../../client-authentication/presented-client';
import { noStore } from '../../http/http';
import { DelegationGrant } from '../grants/delegation.grant';

const MAX_TOKEN = 8192;
export const delegationParams = z.object({
  client_id: text().optional(),
  client_secret: z.string().min(1).max(1024).optional(),
  grant_type: characters(256, 1),
  refresh_token: z.string().min(1).max(MAX_TOKEN).optional(),
  id_token: z.string().min(1).max(MAX_TOKEN).optional(),
  target: text().optional(),
  scope: characters(2048).optional(),
  api_type: characters(64).optional(),
});

@Controller()
export class DelegationController {
  constructor(private readonly delegation: DelegationGrant) {}

  @Post('delegation')
  @HttpCode(200)
  async delegate(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    noStore(reply);
    const params = parseOAuthParams(delegationParams, body);
    return this.delegation.grant(params, presentedClient(authorization, params), request.ip);
  }
}
