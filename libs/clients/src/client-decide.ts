import { ClientCommand, DeleteClient, RegisterClient } from './client-commands';
import {
  APP_TYPES,
  CONFIDENTIAL_ONLY_GRANT_TYPES,
  DEFAULT_JWT_ALG,
  DEFAULT_JWT_LIFETIME_IN_SECONDS,
  defaultGrantTypes,
  isPublicClient,
  MAX_JWT_LIFETIME_IN_SECONDS,
  MIN_JWT_LIFETIME_IN_SECONDS,
  resolveTokenEndpointAuthMethod,
  SIGNING_ALGS,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from './client-defaults';
import { ClientState } from './client-state';
import {
  ClientAlreadyExistsError,
  ClientNotFoundError,
  ClientSecretNotAllowedError,
  ClientSecretRequiredError,
  GrantTypeNotAllowedError,
  Hs256RequiresConfidentialClientError,
  type ClientArgument,
  SealedSecretNotAllowedError,
  SealedSecretRequiredError,
} from './errors';
import { ClientDeleted, ClientEvent, ClientRegistered, ClientRegisteredData, JwtConfiguration } from './events';
import { requireAllowedClients, requireFlag, requireGrantTypes, requireName } from './client-input';
import { resolveRefreshTokenPolicy } from './refresh-token-policy';
import { update } from './client-update-decide';
import { InvalidArgumentError, requireInstant, requireOneOf, requireText } from '@app/shared';

/** Upper bound of a secret verifier or a sealed secret (encoded). */
export const MAX_SECRET_FIELD_LENGTH = 1024;

/**
 * Decides which events a command appends to one client's stream. Pure and
 * synchronous; throws a `ClientDomainError` when refused. Input is checked
 * before state.
 */
export function decideClient(command: ClientCommand, state: ClientState): ClientEvent[] {
  switch (command.type) {
    case 'RegisterClient':
      return register(command, state);
    case 'DeleteClient':
      return remove(command, state);
    case 'UpdateClient':
      return update(command, state);
    default: {
      const _never: never = command;
      return _never;
    }
  }
}

function register({ data }: RegisterClient, state: ClientState): ClientRegistered[] {
  const clientId = requireText('clientId', data.clientId);
  const name = requireName(data.name);
  const appType = requireOneOf('appType', data.appType, APP_TYPES);
  const method = resolveTokenEndpointAuthMethod(
    appType,
    data.tokenEndpointAuthMethod === undefined
      ? undefined
      : requireOneOf('tokenEndpointAuthMethod', data.tokenEndpointAuthMethod, TOKEN_ENDPOINT_AUTH_METHODS),
  );
  const clientSecretHash =
    data.clientSecretHash === null
      ? null
      : requireText('clientSecretHash', data.clientSecretHash, MAX_SECRET_FIELD_LENGTH);
  const sealedClientSecret =
    data.sealedClientSecret === undefined
      ? undefined
      : requireText('sealedClientSecret', data.sealedClientSecret, MAX_SECRET_FIELD_LENGTH);
  const jwtConfiguration = requireJwtConfiguration(data.jwtConfiguration);
  const now = requireInstant(data.now);

  const isPublic = isPublicClient(method);
  const grantTypes =
    data.grantTypes === undefined
      ? // A public client's defaults leave out what it could not use.
        defaultGrantTypes(appType).filter((grant) => !isPublic || !CONFIDENTIAL_ONLY_GRANT_TYPES.includes(grant))
      : requireGrantTypes(data.grantTypes);
  const allowedClients = requireAllowedClients(data.allowedClients ?? []);
  const refreshToken = resolveRefreshTokenPolicy(data.refreshToken, appType);
  const requireProofOfPossession = requireFlag('requireProofOfPossession', data.requireProofOfPossession ?? false);

  if (jwtConfiguration.alg === 'HS256' && isPublic) throw new Hs256RequiresConfidentialClientError();
  if (isPublic && (clientSecretHash !== null || sealedClientSecret !== undefined)) {
    throw new ClientSecretNotAllowedError();
  }
  if (!isPublic && clientSecretHash === null) throw new ClientSecretRequiredError();
  if (jwtConfiguration.alg === 'HS256' && sealedClientSecret === undefined) throw new SealedSecretRequiredError();
  if (jwtConfiguration.alg !== 'HS256' && sealedClientSecret !== undefined) throw new SealedSecretNotAllowedError();
  if (isPublic) {
    const forbidden = grantTypes.find((grant) => CONFIDENTIAL_ONLY_GRANT_TYPES.includes(grant));
    if (forbidden !== undefined) throw new GrantTypeNotAllowedError(forbidden);
  }

  switch (state.status) {
    case 'none':
      break;
    case 'active':
    case 'deleted':
      // A deleted client's id stays taken: its tokens and grants name it.
      throw new ClientAlreadyExistsError(clientId);
    default: {
      const _never: never = state;
      return _never;
    }
  }

  const registered: ClientRegisteredData = {
    clientId,
    name,
    appType,
    tokenEndpointAuthMethod: method,
    clientSecretHash,
    ...(sealedClientSecret === undefined ? {} : { sealedClientSecret }),
    jwtConfiguration,
    grantTypes,
    allowedClients,
    refreshToken,
    requireProofOfPossession,
    createdAt: now.toISOString(),
  };
  return [{ type: 'ClientRegistered', data: registered }];
}

function remove({ data }: DeleteClient, state: ClientState): ClientDeleted[] {
  const clientId = requireText('clientId', data.clientId);
  const now = requireInstant(data.now);

  switch (state.status) {
    case 'none':
      throw new ClientNotFoundError(clientId);
    case 'deleted':
      // Idempotent: deleting twice appends nothing the second time.
      return [];
    case 'active':
      if (state.clientId !== clientId) {
        throw new InvalidArgumentError<ClientArgument>('clientId', 'does not match the loaded client');
      }
      return [{ type: 'ClientDeleted', data: { clientId, deletedAt: now.toISOString() } }];
    default: {
      const _never: never = state;
      return _never;
    }
  }
}

function requireJwtConfiguration(value: RegisterClient['data']['jwtConfiguration']): JwtConfiguration {
  if (value === undefined) {
    return { alg: DEFAULT_JWT_ALG, lifetimeInSeconds: DEFAULT_JWT_LIFETIME_IN_SECONDS };
  }
  if (value === null || typeof value !== 'object') {
    throw new InvalidArgumentError<ClientArgument>('jwtConfiguration', 'must be an object');
  }
  const alg = value.alg === undefined ? DEFAULT_JWT_ALG : requireOneOf('jwtConfiguration.alg', value.alg, SIGNING_ALGS);
  const lifetimeInSeconds = value.lifetimeInSeconds ?? DEFAULT_JWT_LIFETIME_IN_SECONDS;
  if (
    !Number.isSafeInteger(lifetimeInSeconds) ||
    lifetimeInSeconds < MIN_JWT_LIFETIME_IN_SECONDS ||
    lifetimeInSeconds > MAX_JWT_LIFETIME_IN_SECONDS
  ) {
    throw new InvalidArgumentError<ClientArgument>(
      'jwtConfiguration.lifetimeInSeconds',
      `must be a whole number of seconds in ${MIN_JWT_LIFETIME_IN_SECONDS}..${MAX_JWT_LIFETIME_IN_SECONDS}`,
    );
  }
  return { alg, lifetimeInSeconds };
}
