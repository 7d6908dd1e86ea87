import { Module } from '@nestjs/common';
import { ClientAuthenticationModule } from '../client-authentication/client-authentication.module';
import { ClientDeletionCascade } from './client-deletion-cascade';
import { CredentialRevoker } from './credential-revoker';
import { DeletedClientSweeper } from './deleted-client-sweeper';
import { RevokeManyHandler } from './revoke-many.handler';
import { RevokeController } from './rfc7009-revoke.controller';
import { RevokeTokenHandler } from './rfc7009-revoke.handler';

/**
 * Every way a refresh token is revoked: one, many (a user's, a client's),
 * RFC 7009 by the client holding it, and the cascade after a client is
 * deleted. The management API calls CredentialRevoker and RevokeManyHandler
 * directly.
 */
@Module({
  imports: [ClientAuthenticationModule],
  controllers: [RevokeController],
  providers: [CredentialRevoker, RevokeManyHandler, RevokeTokenHandler, ClientDeletionCascade, DeletedClientSweeper],
  exports: [ClientDeletionCascade, CredentialRevoker, RevokeManyHandler],
})
export class RevocationModule {}
