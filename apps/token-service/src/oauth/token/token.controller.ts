import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ClientAuthenticator } from '../../client-authentication/client-authenticator';
import { presentedClient } from '../../client-authentication/presented-client';
import { unauthorizedClient, unsupportedGrantType } from '../../errors/oauth-error';
import { characters, parseOAuthParams, text } from '../../errors/validation';
import { correlationIdOf, noStore } from '../../http/http';
import { ClientCredentialsGrant } from '../grants/client-credentials.grant';
import { RefreshTokenGrant } from '../grants/refresh-token.grant';
import { DpopProof } from '../grants/dpop-proof';

export const tokenParams = z.object({
  grant_type: characters(256, 1),
  client_id: text().optional(),
  client_secret: z.string().min(1).max(1024).optional(),
  refresh_token: z.string().min(1).max(8192).optional(),
  scope: characters(2048).optional(),
  audience: characters(1024, 1).optional(),
});

/** POST /oauth/token: authenticates the client, then hands over to the grant it asked for. */
@Controller('oauth')
export class TokenController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly refreshToken: RefreshTokenGrant,
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly dpop: DpopProof,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    noStore(reply);
    const params = parseOAuthParams(tokenParams, body);
    const grantType = params.grant_type;
    if (grantType !== 'refresh_token' && grantType !== 'client_credentials') throw unsupportedGrantType(grantType);
    // `request.ip` (X-Forwarded-For only through TRUST_PROXY) is a rate-limit key.
    const client = await this.clients.authenticate(presentedClient(authorization, params), request.ip);
    // RFC 6749 §5.2 unauthorized_client: the grant is not enabled for this client.
    if (!client.grantTypes.includes(grantType)) throw unauthorizedClient(`The grant type ${grantType} is not allowed for this client.`);
    if (grantType === 'client_credentials') return this.clientCredentials.grant(params, client);
    // RFC 9449 §8: every answer to a proof carries the nonce for the next one (a refusal too).
    const dpop = { header: request.headers.dpop };
    if (dpop.header !== undefined) reply.header('DPoP-Nonce', this.dpop.nonce());
    return this.refreshToken.grant(params, client, request.ip, correlationIdOf(request), dpop);
  }
}
