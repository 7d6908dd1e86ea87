import { CodedError } from '@app/shared';

/**
 * Errors of the client registry domain. Tests and the HTTP edge match on the
 * stable `code`, never on the message or the class name (style.md §8).
 */

/** Stable codes of the client registry domain. */
export type ClientErrorCode =
  | 'CLIENT_SECRET_REQUIRED'
  | 'CLIENT_SECRET_NOT_ALLOWED'
  | 'HS256_REQUIRES_CONFIDENTIAL_CLIENT'
  | 'SEALED_SECRET_REQUIRED'
  | 'SEALED_SECRET_NOT_ALLOWED'
  | 'GRANT_TYPE_NOT_ALLOWED'
  | 'CLIENT_ALREADY_EXISTS'
  | 'CLIENT_NOT_FOUND'
  | 'CLIENT_GRANT_ALREADY_EXISTS'
  | 'CLIENT_GRANT_NOT_FOUND';

/** Command fields (InvalidArgumentError's `field`) a client or client-grant command can be refused for. */
export type ClientArgument =
  | 'clientId'
  | 'name'
  | 'appType'
  | 'tokenEndpointAuthMethod'
  | 'clientSecretHash'
  | 'sealedClientSecret'
  | 'jwtConfiguration'
  | 'jwtConfiguration.alg'
  | 'jwtConfiguration.lifetimeInSeconds'
  | 'grantTypes'
  | 'allowedClients'
  | 'refreshToken'
  | 'requireProofOfPossession'
  | 'changes'
  | 'grantId'
  | 'audience'
  | 'scope'
  | 'now';

export abstract class ClientDomainError extends CodedError<ClientErrorCode> {}

/** A confidential client (auth method other than `none`) must have a secret. */
export class ClientSecretRequiredError extends ClientDomainError {
  readonly code = 'CLIENT_SECRET_REQUIRED' as const;
  constructor() {
    super('a confidential client needs a client secret hash');
  }
}

/** A public client (`token_endpoint_auth_method: none`) has no secret: it could not keep one. */
export class ClientSecretNotAllowedError extends ClientDomainError {
  readonly code = 'CLIENT_SECRET_NOT_ALLOWED' as const;
  constructor() {
    super('a public client (token_endpoint_auth_method none) has no client secret');
  }
}

/** HS256 id_tokens are signed with the client secret, which a public client does not have. */
export class Hs256RequiresConfidentialClientError extends ClientDomainError {
  readonly code = 'HS256_REQUIRES_CONFIDENTIAL_CLIENT' as const;
  constructor() {
    super('HS256 needs a confidential client: id_tokens are signed with its secret');
  }
}

/** HS256 signing needs the secret itself, sealed; a hash cannot sign. */
export class SealedSecretRequiredError extends ClientDomainError {
  readonly code = 'SEALED_SECRET_REQUIRED' as const;
  constructor() {
    super('an HS256 client needs its sealed client secret');
  }
}

/** Only HS256 clients keep a recoverable (sealed) secret; everyone else keeps a hash only. */
export class SealedSecretNotAllowedError extends ClientDomainError {
  readonly code = 'SEALED_SECRET_NOT_ALLOWED' as const;
  constructor() {
    super('a sealed client secret is kept only for HS256 clients');
  }
}

/**
 * A grant type the client cannot use: `client_credentials` for a public
 * client, or a refresh token for a client without the `refresh_token` grant.
 */
export class GrantTypeNotAllowedError extends ClientDomainError {
  readonly code = 'GRANT_TYPE_NOT_ALLOWED' as const;
  constructor(
    readonly grantType: string,
    why = 'needs a confidential client',
  ) {
    super(`grant type ${grantType} ${why}`);
  }
}

export class ClientAlreadyExistsError extends ClientDomainError {
  readonly code = 'CLIENT_ALREADY_EXISTS' as const;
  constructor(readonly clientId: string) {
    super(`client ${clientId} already exists`);
  }
}

/** Never registered. Answer 404. */
export class ClientNotFoundError extends ClientDomainError {
  readonly code = 'CLIENT_NOT_FOUND' as const;
  constructor(readonly clientId: string) {
    super(`client ${clientId} not found`);
  }
}

export class ClientGrantAlreadyExistsError extends ClientDomainError {
  readonly code = 'CLIENT_GRANT_ALREADY_EXISTS' as const;
  constructor(readonly grantId: string) {
    super(`client grant ${grantId} already exists`);
  }
}

/** Never created. Answer 404. */
export class ClientGrantNotFoundError extends ClientDomainError {
  readonly code = 'CLIENT_GRANT_NOT_FOUND' as const;
  constructor(readonly grantId: string) {
    super(`client grant ${grantId} not found`);
  }
}
