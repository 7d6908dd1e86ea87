import type { IdTokenAlg } from './algorithms';

/** `ISSUER` always ends with '/' (product.md); endpoint URLs are built by appending to it. */
export function normalizeIssuer(issuer: string): string {
  return issuer.endsWith('/') ? issuer : `${issuer}/`;
}

export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  revocation_endpoint: string;
  grant_types_supported: string[];
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  claims_supported: string[];
  scopes_supported: string[];
}

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];

/**
 * The `/.well-known/openid-configuration` document (OpenID Connect Discovery
 * 1.0 §3). `algs` are the id_token algorithms on offer: typically the key
 * store's `algorithms()` plus 'HS256'.
 *
 * This service has no authorization endpoint (the login service
 * authenticates users), so `response_types_supported` is `['none']`
 * (OAuth 2.0 Multiple Response Type Encoding Practices §4): nothing is
 * issued from an authorization endpoint here.
 */
export function openIdConfiguration(issuer: string, algs: readonly IdTokenAlg[]): OpenIdConfiguration {
  const base = normalizeIssuer(issuer);
  return {
    issuer: base,
    jwks_uri: `${base}.well-known/jwks.json`,
    token_endpoint: `${base}oauth/token`,
    revocation_endpoint: `${base}oauth/revoke`,
    grant_types_supported: ['refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
    response_types_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...algs],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'azp', 'sid'],
    scopes_supported: ['openid', 'offline_access'],
  };
}
