import { Module } from '@nestjs/common';
import { ManagementAuthGuard } from '../management/auth/management-auth.guard';
import { AuditLogController } from './audit-log.controller';

/** /api/v2/audit: the verifiable log's checkpoint, keys, leaves and proofs (scope read:audit). */
@Module({ controllers: [AuditLogController], providers: [ManagementAuthGuard] })
export class AuditLogModule {}
