import { SetMetadata } from '@nestjs/common';

/** Every scope of the management API; the bootstrap client gets them all. */
export const MANAGEMENT_SCOPES = [
  'read:clients',
  'create:clients',
  'update:clients',
  'delete:clients',
  'read:client_grants',
  'create:client_grants',
  'delete:client_grants',
  'read:refresh_tokens',
  'create:refresh_tokens',
  'delete:refresh_tokens',
  'read:device_credentials',
  'delete:device_credentials',
  'read:audit',
] as const;
export type ManagementScope = (typeof MANAGEMENT_SCOPES)[number];

/** Scopes added after stores had admins: grantable, and the bootstrap client gets them, but no full admin must hold them. */
const SCOPES_ADDED_LATER: readonly ManagementScope[] = ['read:audit', 'update:clients'];

/**
 * What makes a full admin (the lock-out rules): every scope but those added
 * after stores had admins, so an admin granted before `read:audit` or
 * `update:clients` existed stays one.
 */
export const FULL_ADMIN_SCOPES: readonly ManagementScope[] = MANAGEMENT_SCOPES.filter((s) => !SCOPES_ADDED_LATER.includes(s));

export const REQUIRED_SCOPES = 'management:requiredScopes';
/** The scopes a management route requires (Auth0: 403 insufficient_scope without them). */
export const RequireScopes = (...scopes: ManagementScope[]) => SetMetadata(REQUIRED_SCOPES, scopes);
