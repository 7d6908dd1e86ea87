import { Module } from '@nestjs/common';
import { RevocationModule } from '../revocation/revocation.module';
import { AdminRemovals } from './auth/admin-removals';
import { ManagementAuthGuard } from './auth/management-auth.guard';
import { ManagementClientBootstrap } from './bootstrap/management-client-bootstrap';
import { CreateClientGrantHandler, DeleteClientGrantHandler } from './client-grants/client-grant.handlers';
import { ClientGrantsController } from './client-grants/client-grants.controller';
import { ClientsController } from './clients/clients.controller';
import { DeleteClientHandler } from './clients/delete-client.handler';
import { RegisterClientHandler } from './clients/register-client.handler';
import { UpdateClientHandler } from './clients/update-client.handler';
import { DeviceCredentialsController } from './device-credentials/device-credentials.controller';
import { IssueRefreshTokenHandler } from './refresh-tokens/issue-refresh-token.handler';
import { RefreshTokensController } from './refresh-tokens/refresh-tokens.controller';
import { UserRefreshTokensController } from './users/user-refresh-tokens.controller';
import { UsersController } from './users/users.controller';

/** Management API v2 (/api/v2/...): clients, client grants, refresh tokens, device credentials, users' tokens. */
@Module({
  imports: [RevocationModule],
  controllers: [ClientsController, ClientGrantsController, RefreshTokensController, DeviceCredentialsController, UserRefreshTokensController, UsersController],
  providers: [
    ManagementAuthGuard,
    AdminRemovals,
    ManagementClientBootstrap,
    RegisterClientHandler,
    DeleteClientHandler,
    UpdateClientHandler,
    CreateClientGrantHandler,
    DeleteClientGrantHandler,
    IssueRefreshTokenHandler,
  ],
})
export class ManagementModule {}
