import { OAuthError } from '../errors/oauth-error';
import { presentedClient } from './presented-client';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function oauthErrorOf(fn: () => unknown): OAuthError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe('presentedClient (RFC 6749 §2.3.1)', () => {
  it('reads HTTP Basic with form-urlencoded id and secret', () => {
    expect(presentedClient(basic('app:1', 's3cr%t'), {})).toEqual({ clientId: 'app:1', clientSecret: 's3cr%t', method: 'client_secret_basic' });
  });

  it('reads client_secret_post and public clients from the body', () => {
    expect(presentedClient(undefined, { client_id: 'a', client_secret: 'b' })).toEqual({ clientId: 'a', clientSecret: 'b', method: 'client_secret_post' });
    expect(presentedClient(undefined, { client_id: 'a' })).toEqual({ clientId: 'a', method: 'none' });
  });

  it('refuses two authentication methods at once (invalid_request)', () => {
    expect(oauthErrorOf(() => presentedClient(basic('a', 'b'), { client_secret: 'c' })).error).toBe('invalid_request');
  });

  it('refuses a body client_id that differs from the Basic one', () => {
    expect(oauthErrorOf(() => presentedClient(basic('a', 'b'), { client_id: 'z' })).error).toBe('invalid_request');
  });

  it('answers malformed Basic credentials with 401 invalid_client and WWW-Authenticate', () => {
    const error = oauthErrorOf(() => presentedClient(`Basic ${Buffer.from('no-colon').toString('base64')}`, {}));
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_client');
    expect(error.options.headers?.['WWW-Authenticate']).toMatch(/^Basic/);
  });

  it('requires a client_id without Basic', () => {
    expect(oauthErrorOf(() => presentedClient(undefined, {})).description).toMatch(/client_id/);
  });
});
