import type { ClientDeleted, ClientGrantCreated, ClientGrantDeleted, ClientRegistered, ClientUpdated } from '@app/clients/events';
import { CLIENT_GRANT_STREAM_PREFIX, CLIENT_STREAM_PREFIX } from '@app/clients/events';
import type { RefreshTokenExchanged, RefreshTokenIssued, RefreshTokenRevoked, RefreshTokenRotated } from '@app/refresh-tokens/events';
import { REFRESH_TOKEN_STREAM_PREFIX } from '@app/refresh-tokens/events';

/** The events the credential projection folds; any other type is skipped. */
export type ProjectedEvent =
  | RefreshTokenIssued
  | RefreshTokenRevoked
  | RefreshTokenRotated
  | RefreshTokenExchanged
  | ClientRegistered
  | ClientUpdated
  | ClientDeleted
  | ClientGrantCreated
  | ClientGrantDeleted;
export type ProjectedEventType = ProjectedEvent['type'];
export type ProjectedData<K extends ProjectedEventType> = Extract<ProjectedEvent, { type: K }>['data'];

/** The streams the projection subscribes to. */
export const PROJECTED_STREAM_PREFIXES: readonly string[] = [REFRESH_TOKEN_STREAM_PREFIX, CLIENT_STREAM_PREFIX, CLIENT_GRANT_STREAM_PREFIX];

/*
 * Shape checks. The log is written by our own handlers, so these never fail
 * in practice; they exist so that a malformed event (an old bug, a hand-made
 * import) is logged and skipped instead of throwing inside the read-model
 * transaction, which would stall the projection on that event forever
 * (style.md §10: a projection never rejects a recorded event).
 */
type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const hasStrings = (data: Fields, keys: readonly string[]): boolean => keys.every((key) => isString(data[key]));
const isStringOrNull = (value: unknown): boolean => value === null || isString(value);
const hasRecordedLifetime = (data: Fields): boolean => isStringOrNull(data.expiresAt) && isStringOrNull(data.idleExpiresAt);
const isPolicy = (value: unknown): boolean =>
  isObject(value) &&
  hasStrings(value, ['rotationType', 'expirationType']) &&
  ['leeway', 'tokenLifetime', 'idleTokenLifetime'].every((key) => Number.isSafeInteger(value[key])) &&
  typeof value.infiniteTokenLifetime === 'boolean' &&
  typeof value.infiniteIdleTokenLifetime === 'boolean';

const guards: { [K in ProjectedEventType]: (data: unknown) => data is ProjectedData<K> } = {
  RefreshTokenIssued: (data): data is ProjectedData<'RefreshTokenIssued'> =>
    isObject(data) &&
    hasStrings(data, ['credentialId', 'tokenHash', 'clientId', 'userId', 'deviceId', 'deviceName', 'scope', 'issuedAt']) &&
    (data.dpopJkt === undefined || isString(data.dpopJkt)),
  RefreshTokenRevoked: (data): data is ProjectedData<'RefreshTokenRevoked'> =>
    isObject(data) && hasStrings(data, ['credentialId', 'reason', 'revokedBy', 'revokedAt']),
  RefreshTokenRotated: (data): data is ProjectedData<'RefreshTokenRotated'> =>
    isObject(data) &&
    hasStrings(data, ['credentialId', 'tokenHash', 'previousTokenHash', 'rotatedAt']) &&
    Number.isSafeInteger(data.generation) &&
    hasRecordedLifetime(data),
  RefreshTokenExchanged: (data): data is ProjectedData<'RefreshTokenExchanged'> =>
    isObject(data) && hasStrings(data, ['credentialId', 'exchangedAt']) && hasRecordedLifetime(data),
  ClientRegistered: (data): data is ProjectedData<'ClientRegistered'> =>
    isObject(data) &&
    hasStrings(data, ['clientId', 'name', 'appType', 'tokenEndpointAuthMethod', 'createdAt']) &&
    (data.clientSecretHash === null || isString(data.clientSecretHash)) &&
    (data.sealedClientSecret === undefined || isString(data.sealedClientSecret)) &&
    isObject(data.jwtConfiguration) &&
    isString(data.jwtConfiguration.alg) &&
    Number.isSafeInteger(data.jwtConfiguration.lifetimeInSeconds) &&
    isStringArray(data.grantTypes) &&
    (data.allowedClients === undefined || isStringArray(data.allowedClients)) &&
    (data.refreshToken === undefined || isPolicy(data.refreshToken)) &&
    (data.requireProofOfPossession === undefined || typeof data.requireProofOfPossession === 'boolean'),
  ClientUpdated: (data): data is ProjectedData<'ClientUpdated'> =>
    isObject(data) &&
    hasStrings(data, ['clientId', 'updatedAt']) &&
    isObject(data.changes) &&
    (data.changes.name === undefined || isString(data.changes.name)) &&
    (data.changes.grantTypes === undefined || isStringArray(data.changes.grantTypes)) &&
    (data.changes.allowedClients === undefined || isStringArray(data.changes.allowedClients)) &&
    (data.changes.refreshToken === undefined || isPolicy(data.changes.refreshToken)) &&
    (data.changes.requireProofOfPossession === undefined || typeof data.changes.requireProofOfPossession === 'boolean'),
  ClientDeleted: (data): data is ProjectedData<'ClientDeleted'> => isObject(data) && hasStrings(data, ['clientId', 'deletedAt']),
  ClientGrantCreated: (data): data is ProjectedData<'ClientGrantCreated'> =>
    isObject(data) && hasStrings(data, ['grantId', 'clientId', 'audience', 'createdAt']) && isStringArray(data.scope),
  ClientGrantDeleted: (data): data is ProjectedData<'ClientGrantDeleted'> => isObject(data) && hasStrings(data, ['grantId', 'deletedAt']),
};

export function isProjectedType(type: string): type is ProjectedEventType {
  return Object.prototype.hasOwnProperty.call(guards, type);
}

export function hasValidData<K extends ProjectedEventType>(type: K, data: unknown): data is ProjectedData<K> {
  return guards[type](data);
}
