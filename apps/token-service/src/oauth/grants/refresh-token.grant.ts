import { Injectable } from '@nestjs/common';
import type { ClientRecord } from '@app/read-model';
import { narrowScope, parseScope } from '@app/refresh-tokens';
import { invalidRequest } from '../../errors/oauth-error';
import { RateLimited } from '../../http/rate-limit-headers';
import { afterSpending } from '../../rate-limits/rate-limiter';
import { RefreshTokenExchange, UNKNOWN_REFRESH_TOKEN } from './refresh-token-exchange';
import type { PresentedDpop } from './dpop-proof';
import { TokenMinter } from './token-minter';
import type { TokenParams, TokenResponse } from './token-response';

/** RFC 6749 §6 at /oauth/token: a valid refresh token of the client for an id_token and a user access token. */
@Injectable()
export class RefreshTokenGrant {
  constructor(
    private readonly exchange: RefreshTokenExchange,
    private readonly minter: TokenMinter,
  ) {}

  /** `dpop`: the request's DPoP header (RFC 9449), checked by the exchange. */
  async grant(params: TokenParams, client: ClientRecord, clientIp: string, correlationId?: string, dpop: PresentedDpop = { header: undefined }): Promise<RateLimited<TokenResponse>> {
    if (!params.refresh_token) throw invalidRequest('Missing required parameter: refresh_token');
    // A revoked token is answered like an unknown one here (the contract's single description).
    const { credential, rateLimit, refreshToken, dpopJkt } = await this.exchange.exchange(params.refresh_token, client, clientIp, {
      revoked: UNKNOWN_REFRESH_TOKEN,
      correlationId,
      dpop,
    });
    return afterSpending(rateLimit, async () => {
      // §6: the requested scope MUST NOT include any scope not originally granted.
      const scope = narrowScope(credential.scope, params.scope);
      const [idToken, accessToken] = await Promise.all([
        this.minter.idToken(credential, client),
        this.minter.userAccessToken(credential, client, parseScope(scope), dpopJkt),
      ]);
      return new RateLimited(
        {
          access_token: accessToken.accessToken,
          id_token: idToken.idToken,
          token_type: dpopJkt ? ('DPoP' as const) : ('Bearer' as const),
          expires_in: accessToken.expiresIn,
          scope,
          // RFC 6749 §6: a rotation answers the new refresh token; the presented one is spent.
          ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
        },
        rateLimit,
      );
    });
  }
}
