import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { characters, parseOAuthParams, text } from '../../errors/validation';
import { noStore } from '../shared/http';
import { rateLimitHeaders } from '../shared/rate-limiter';
import { DelegationHandler } from './delegation.handler';

const MAX_TOKEN = 8192;
export const delegationParams = z.object({
  client_id: text(),
  grant_type: characters(256, 1),
  refresh_token: z.string().min(1).max(MAX_TOKEN).optional(),
  id_token: z.string().min(1).max(MAX_TOKEN).optional(),
  target: text().optional(),
  scope: characters(2048).optional(),
  api_type: characters(64).optional(),
});

@Controller()
export class DelegationController {
  constructor(private readonly delegation: DelegationHandler) {}

  @Post('delegation')
  @HttpCode(200)
  async delegate(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    noStore(reply);
    const result = await this.delegation.handle(parseOAuthParams(delegationParams, body), request.ip);
    if (result.rateLimit) void reply.headers(rateLimitHeaders(result.rateLimit));
    return result.body;
  }
}
