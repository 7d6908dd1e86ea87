import { AppType, SigningAlg, TokenEndpointAuthMethod } from './events';

/** Auth0's application types. */
export const APP_TYPES: readonly AppType[] = ['native', 'spa', 'regular_web', 'non_interactive'];

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_post',
  'client_secret_basic',
];

/** id_token signing algorithms (F7). */
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'EdDSA', 'HS256'];

export const DEFAULT_JWT_ALG: SigningAlg = 'RS256';
/** Auth0's default id_token lifetime: 10 hours. */
export const DEFAULT_JWT_LIFETIME_IN_SECONDS = 36000;
export const MIN_JWT_LIFETIME_IN_SECONDS = 1;
/** 30 days: an id_token outliving that defeats revocation (the refresh token is the long-lived part). */
export const MAX_JWT_LIFETIME_IN_SECONDS = 2592000;

/**
 * Grant types a client may list: Auth0's spec-conforming grants, the
 * `/delegation` grant (`jwt-bearer`) and Auth0's legacy delegation grants.
 */
export const KNOWN_GRANT_TYPES: readonly string[] = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'http://auth0.com/oauth/legacy/grant-type/delegation/refresh_token',
  'http://auth0.com/oauth/legacy/grant-type/delegation/id_token',
];

/** Grant types only a confidential client may hold (RFC 6749 §4.4: client_credentials authenticates the client). */
export const CONFIDENTIAL_ONLY_GRANT_TYPES: readonly string[] = ['client_credentials'];

/**
 * Auth0: `app_type` native or spa defaults to `token_endpoint_auth_method:
 * none` (a public client: it cannot keep a secret); others to
 * `client_secret_post`. An explicit method wins.
 */
export function resolveTokenEndpointAuthMethod(
  appType: AppType,
  explicit?: TokenEndpointAuthMethod,
): TokenEndpointAuthMethod {
  if (explicit !== undefined) return explicit;
  switch (appType) {
    case 'native':
    case 'spa':
      return 'none';
    case 'regular_web':
    case 'non_interactive':
      return 'client_secret_post';
    default: {
      const _never: never = appType;
      return _never;
    }
  }
}

/** A public client authenticates with nothing (RFC 6749 §2.1); it has no secret. */
export function isPublicClient(method: TokenEndpointAuthMethod): boolean {
  return method === 'none';
}

/** Auth0's legacy grants that allow `/delegation`: one per kind of token presented. */
export const DELEGATION_REFRESH_TOKEN_GRANT = 'http://auth0.com/oauth/legacy/grant-type/delegation/refresh_token';
export const DELEGATION_ID_TOKEN_GRANT = 'http://auth0.com/oauth/legacy/grant-type/delegation/id_token';
const DELEGATION_GRANTS = [DELEGATION_REFRESH_TOKEN_GRANT, DELEGATION_ID_TOKEN_GRANT];

/** The grant types a client gets when registration does not list any. A fresh array. */
export function defaultGrantTypes(appType: AppType): string[] {
  switch (appType) {
    case 'native':
    case 'spa':
      return ['authorization_code', 'implicit', 'refresh_token', ...DELEGATION_GRANTS];
    case 'non_interactive':
      return ['client_credentials'];
    case 'regular_web':
      return ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', ...DELEGATION_GRANTS];
    default: {
      const _never: never = appType;
      return _never;
    }
  }
}

/**
 * The grant types of a client registered before `/delegation` checked them
 * (its `ClientRegistered` has no `allowedClients`): then every client could
 * delegate. One whose list is its app type's defaults of that time, or that
 * names the `jwt-bearer` grant (/delegation's own), keeps delegating: it
 * gets both legacy delegation grants, as a client registered with today's
 * defaults has them. Any other list, and every later registration, is
 * taken as written.
 */
export function grantTypesOfRegistration(data: { appType: AppType; grantTypes: string[]; allowedClients?: string[] }): string[] {
  const { appType, grantTypes } = data;
  if (data.allowedClients !== undefined) return grantTypes;
  const formerDefaults = defaultGrantTypes(appType).filter((grant) => !DELEGATION_GRANTS.includes(grant));
  const publicFormerDefaults = formerDefaults.filter((grant) => !CONFIDENTIAL_ONLY_GRANT_TYPES.includes(grant));
  const sameSet = (list: string[]): boolean => list.length === grantTypes.length && list.every((grant) => grantTypes.includes(grant));
  const delegated = sameSet(formerDefaults) || sameSet(publicFormerDefaults) || grantTypes.includes('urn:ietf:params:oauth:grant-type:jwt-bearer');
  if (!delegated || appType === 'non_interactive') return grantTypes;
  return [...grantTypes, ...DELEGATION_GRANTS.filter((grant) => !grantTypes.includes(grant))];
}
