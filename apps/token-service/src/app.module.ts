import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { RevocationRelayHandle } from '@app/revocation-relay';
import { AdminPageController } from './admin/admin-page.controller';
import { CreateClientGrantHandler, DeleteClientGrantHandler } from './commands/client-grants/client-grant.handlers';
import { DeleteClientHandler } from './commands/delete-client/delete-client.handler';
import { IssueRefreshTokenHandler } from './commands/issue-refresh-token/issue-refresh-token.handler';
import { RegisterClientHandler } from './commands/register-client/register-client.handler';
import { RevokeManyHandler } from './commands/revoke-many/revoke-many.handler';
import { RevokeRefreshTokenHandler } from './commands/revoke-refresh-token/revoke-refresh-token.handler';
import { DiscoveryController } from './discovery/discovery.controller';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { HealthController } from './health/health.controller';
import type { Runtime } from './infrastructure/runtime';
import { RELAY, RUNTIME } from './infrastructure/tokens';
import { ManagementAuthGuard } from './management/auth/management-auth.guard';
import { ClientGrantsController } from './management/client-grants/client-grants.controller';
import { ClientsController } from './management/clients/clients.controller';
import { DeviceCredentialsController } from './management/device-credentials/device-credentials.controller';
import { RefreshTokensController } from './management/refresh-tokens/refresh-tokens.controller';
import { UserRefreshTokensController } from './management/users/user-refresh-tokens.controller';
import { Metrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
import { DelegationController } from './oauth/delegation/delegation.controller';
import { DelegationHandler } from './oauth/delegation/delegation.handler';
import { RevokeController } from './oauth/revoke/revoke.controller';
import { RevokeTokenHandler } from './oauth/revoke/revoke.handler';
import { ClientAuthenticator } from './oauth/shared/client-authenticator';
import { RateLimits } from './oauth/shared/rate-limits';
import { TokenMinter } from './oauth/shared/token-minter';
import { TokenController } from './oauth/token/token.controller';
import { TokenHandler } from './oauth/token/token.handler';
import { ListClientGrantsHandler, ListClientsHandler, ListDeviceCredentialsHandler, ListUserRefreshTokensHandler } from './queries/listing.handlers';

/** token-service: thin wiring of the libs to HTTP (architecture.md: apps are thin). */
@Module({})
export class AppModule {
  static register(runtime: Runtime, relay: RevocationRelayHandle | undefined): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
      controllers: [
        DiscoveryController,
        DelegationController,
        TokenController,
        RevokeController,
        ClientsController,
        ClientGrantsController,
        RefreshTokensController,
        DeviceCredentialsController,
        UserRefreshTokensController,
        HealthController,
        MetricsController,
        AdminPageController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: RELAY, useValue: relay },
        { provide: Metrics, useValue: new Metrics(runtime, relay) },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        ManagementAuthGuard,
        ClientAuthenticator,
        RateLimits,
        TokenMinter,
        IssueRefreshTokenHandler,
        RevokeRefreshTokenHandler,
        RevokeManyHandler,
        RegisterClientHandler,
        DeleteClientHandler,
        CreateClientGrantHandler,
        DeleteClientGrantHandler,
        DelegationHandler,
        TokenHandler,
        RevokeTokenHandler,
        ListDeviceCredentialsHandler,
        ListUserRefreshTokensHandler,
        ListClientsHandler,
        ListClientGrantsHandler,
      ],
    };
  }
}
