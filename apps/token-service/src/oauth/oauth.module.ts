import { Module } from '@nestjs/common';
import { ClientAuthenticationModule } from '../client-authentication/client-authentication.module';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { DelegationController } from './delegation/delegation.controller';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { DelegationGrant } from './grants/delegation.grant';
import { RefreshTokenExchange } from './grants/refresh-token-exchange';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { RefreshTokenRotation } from './grants/refresh-token-rotation';
import { OperationsModule } from '../operations/operations.module';
import { TokenMinter } from './grants/token-minter';
import { DpopProof } from './grants/dpop-proof';
import { dpopProviders } from './grants/dpop-providers';
import { TokenController } from './token/token.controller';

/** The OAuth endpoints clients call: /delegation and /oauth/token (/oauth/revoke is in the revocation slice), one file per grant. */
@Module({
  imports: [ClientAuthenticationModule, RateLimitsModule, OperationsModule],
  controllers: [DelegationController, TokenController],
  providers: [RefreshTokenExchange, RefreshTokenRotation, RefreshTokenGrant, ClientCredentialsGrant, DelegationGrant, TokenMinter, DpopProof, ...dpopProviders],
})
export class OAuthModule {}
