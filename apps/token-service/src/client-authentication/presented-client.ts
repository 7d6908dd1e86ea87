import { invalidClient, invalidRequest } from '../errors/oauth-error';

/** Client credentials as presented, before they are checked. */
export interface PresentedClient {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/**
 * RFC 6749 §2.3.1: HTTP Basic with the form-urlencoded client id and secret,
 * or both in the body; a client MUST NOT use more than one method.
 */
export function presentedClient(authorization: string | undefined, body: { client_id?: string; client_secret?: string }): PresentedClient {
  if (authorization && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient('Malformed HTTP Basic credentials.', true);
    let id: string;
    let secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      throw invalidClient('Malformed HTTP Basic credentials.', true);
    }
    if (body.client_secret !== undefined) throw invalidRequest('Use only one client authentication method.');
    if (body.client_id !== undefined && body.client_id !== id) throw invalidRequest('client_id does not match the HTTP Basic credentials.');
    return { clientId: id, clientSecret: secret, method: 'client_secret_basic' };
  }
  if (!body.client_id) throw invalidRequest('Missing required parameter: client_id');
  if (body.client_secret !== undefined) return { clientId: body.client_id, clientSecret: body.client_secret, method: 'client_secret_post' };
  return { clientId: body.client_id, method: 'none' };
}
