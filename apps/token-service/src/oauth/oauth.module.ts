import { Module } from '@nestjs/common';
import { DelegationController } from './delegation/delegation.controller';
import { DelegationHandler } from './delegation/delegation.handler';
import { ClientAuthenticator } from './shared/client-authenticator';
import { RateLimits } from './shared/rate-limits';
import { TokenMinter } from './shared/token-minter';
import { TokenController } from './token/token.controller';
import { TokenHandler } from './token/token.handler';

/** The OAuth endpoints clients call: /delegation and /oauth/token (/oauth/revoke is in the revocation slice). */
@Module({
  controllers: [DelegationController, TokenController],
  providers: [DelegationHandler, TokenHandler, ClientAuthenticator, RateLimits, TokenMinter],
  exports: [ClientAuthenticator],
})
export class OAuthModule {}
