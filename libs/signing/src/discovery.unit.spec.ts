import { normalizeIssuer, openIdConfiguration } from './discovery';

describe('openIdConfiguration', () => {
  it('describes the endpoints under the issuer and the algorithms on offer', () => {
    expect(openIdConfiguration('https://auth.example.com/', ['RS256', 'ES256', 'EdDSA', 'HS256'])).toEqual({
      issuer: 'https://auth.example.com/',
      jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
      token_endpoint: 'https://auth.example.com/oauth/token',
      revocation_endpoint: 'https://auth.example.com/oauth/revoke',
      grant_types_supported: ['refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      response_types_supported: ['none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA', 'HS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'azp', 'sid'],
      scopes_supported: ['openid', 'offline_access'],
    });
  });

  it('always ends the issuer with "/"', () => {
    expect(normalizeIssuer('http://localhost:3000')).toBe('http://localhost:3000/');
    expect(normalizeIssuer('http://localhost:3000/')).toBe('http://localhost:3000/');
    expect(openIdConfiguration('http://localhost:3000', ['RS256']).token_endpoint).toBe('http://localhost:3000/oauth/token');
  });
});
