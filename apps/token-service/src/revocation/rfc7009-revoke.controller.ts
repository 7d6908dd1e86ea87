import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { characters, parseOAuthParams, text } from '../errors/validation';
import { presentedClient } from '../client-authentication/presented-client';
import { correlationIdOf, noStore } from '../http/http';
import { RevokeTokenHandler } from './rfc7009-revoke.handler';

export const revokeParams = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: characters(64).optional(),
  client_id: text().optional(),
  client_secret: z.string().min(1).max(1024).optional(),
});

@Controller('oauth')
export class RevokeController {
  constructor(private readonly revocation: RevokeTokenHandler) {}

  /** RFC 7009 §2.2: 200 with an empty body, also for an unknown token. */
  @Post('revoke')
  @HttpCode(200)
  async revoke(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    noStore(reply);
    const p = parseOAuthParams(revokeParams, body);
    // Authenticate before looking at the token, so a bad client is 401 whatever the token.
    const client = presentedClient(authorization, p);
    await this.revocation.execute(p.token, client, correlationIdOf(request), request.ip);
  }
}
