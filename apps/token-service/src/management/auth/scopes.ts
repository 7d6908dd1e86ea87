import { SetMetadata } from '@nestjs/common';

/** Every scope of the management API; the bootstrap client gets them all. */
export const MANAGEMENT_SCOPES = [
  'read:clients',
  'create:clients',
  'delete:clients',
  'read:client_grants',
  'create:client_grants',
  'delete:client_grants',
  'read:refresh_tokens',
  'create:refresh_tokens',
  'delete:refresh_tokens',
  'read:device_credentials',
  'delete:device_credentials',
] as const;
export type ManagementScope = (typeof MANAGEMENT_SCOPES)[number];

export const REQUIRED_SCOPES = 'management:requiredScopes';
/** The scopes a management route requires (Auth0: 403 insufficient_scope without them). */
export const RequireScopes = (...scopes: ManagementScope[]) => SetMetadata(REQUIRED_SCOPES, scopes);
