import { Module } from '@nestjs/common';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { ClientAuthenticator } from './client-authenticator';

/** RFC 6749 §2.3 client authentication, shared by /oauth/token, /delegation and /oauth/revoke. */
@Module({
  imports: [RateLimitsModule],
  providers: [ClientAuthenticator],
  exports: [ClientAuthenticator],
})
export class ClientAuthenticationModule {}
