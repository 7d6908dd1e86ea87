import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { characters, parseOAuthParams, text } from '../../errors/validation';
import { presentedClient } from '../shared/client-credentials';
import { noStore } from '../shared/http';
import { TokenHandler } from './token.handler';

export const tokenParams = z.object({
  grant_type: characters(256, 1),
  client_id: text().optional(),
  client_secret: z.string().min(1).max(1024).optional(),
  refresh_token: z.string().min(1).max(8192).optional(),
  scope: characters(2048).optional(),
  audience: characters(1024, 1).optional(),
});

@Controller('oauth')
export class TokenController {
  constructor(private readonly tokens: TokenHandler) {}

  @Post('token')
  @HttpCode(200)
  async token(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    noStore(reply);
    const p = parseOAuthParams(tokenParams, body);
    return this.tokens.handle(p, presentedClient(authorization, p), request.ip);
  }
}
