import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminPageController } from './admin/admin-page.controller';
import { DocsController } from './docs/docs.controller';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { ManagementModule } from './management/management.module';
import { AuditLogModule } from './audit/audit-log.module';
import { OAuthModule } from './oauth/oauth.module';
import { OperationsModule } from './operations/operations.module';
import { RevocationModule } from './revocation/revocation.module';

/**
 * token-service: the modules by concern over the opened infrastructure
 * (architecture.md: apps are thin). A controller calls the use case beside it
 * directly (an injectable; no command bus); reads go through ConsistentReads
 * or, for listings, the read model.
 */
@Module({})
export class AppModule {
  static register(infrastructure: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [infrastructure, OAuthModule, RevocationModule, ManagementModule, AuditLogModule, OperationsModule],
      // The administration page: static files; it calls the management API like any other client.
      controllers: [AdminPageController, DocsController],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
