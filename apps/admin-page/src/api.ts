/**
 * The management API as the page uses it: same origin (CSP connect-src 'self'),
 * the bearer token passed in by the caller (the page keeps it in memory only).
 * Every failure becomes an ApiError whose message is a sentence for the screen.
 */
import type { z } from 'zod';
import type { refreshTokenSchema, tokenHistorySchema, userMatchSchema } from '../../token-service/src/management/refresh-token-schemas';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ManagementToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** A refresh token as the management API answers it: the server's own schema (type-only: nothing of it is bundled). */
export type RefreshToken = z.output<typeof refreshTokenSchema>;

/** A user id found by GET /api/v2/users?q=, by the server's schema. */
export type UserMatch = z.output<typeof userMatchSchema>;

/** One entry of a token's history, by the server's schema. */
export type HistoryEvent = z.output<typeof tokenHistorySchema>['events'][number];

interface ErrorBody {
  error?: string;
  error_description?: string;
  message?: string;
}

async function call(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'omit', cache: 'no-store', redirect: 'error' });
  } catch {
    throw new ApiError('The service could not be reached. Check your connection and try again.', 0);
  }
}

async function errorBody(response: Response): Promise<ErrorBody> {
  try {
    return (await response.json()) as ErrorBody;
  } catch {
    return {};
  }
}

/** client_credentials for the management API (audience `${issuer}api/v2/`, issuer from discovery). */
export async function signIn(clientId: string, clientSecret: string): Promise<ManagementToken> {
  const discovery = await call('/.well-known/openid-configuration', { method: 'GET' });
  if (!discovery.ok) throw new ApiError(`The service's configuration could not be read (HTTP ${discovery.status}).`, discovery.status);
  const { issuer } = (await discovery.json()) as { issuer: string };
  const started = Date.now();
  const response = await call('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: `${issuer}api/v2/` }),
  });
  if (!response.ok) {
    const body = await errorBody(response);
    if (body.error === 'invalid_client') throw new ApiError('Sign-in failed: the client ID or the client secret is wrong.', response.status);
    if (body.error === 'access_denied') throw new ApiError('Sign-in failed: this client has no grant on the management API.', response.status);
    if (response.status === 429) throw new ApiError('Too many attempts. Wait a minute, then try again.', response.status);
    throw new ApiError(`Sign-in failed: ${body.error_description ?? `HTTP ${response.status}`}.`, response.status);
  }
  const token = (await response.json()) as { access_token: string; expires_in: number };
  return { accessToken: token.access_token, expiresAt: started + token.expires_in * 1000 };
}

/** A management API call (`body` sent as JSON); 204 gives undefined. */
export async function management<T>(token: string, method: 'GET' | 'DELETE' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await call(`/api/v2/${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (response.status === 204) return undefined as T;
  if (!response.ok) {
    const refusal = await errorBody(response);
    throw new ApiError(explain(response.status, refusal.message), response.status);
  }
  return (await response.json()) as T;
}

function explain(status: number, message: string | undefined): string {
  switch (status) {
    case 401:
      return 'Your session has expired. Sign in again.';
    case 403:
      return `This client is not allowed to do that: ${message ?? 'a scope is missing'}.`;
    case 404:
      return message ? `Not found: ${message}.` : 'Not found.';
    case 429:
      return 'Too many requests. Wait a moment, then try again.';
    default:
      return status >= 500
        ? `The service failed to answer (HTTP ${status}). Try again in a moment.`
        : `The request was refused (HTTP ${status})${message ? `: ${message}` : ''}.`;
  }
}

export const enc = encodeURIComponent;

/** Every token of a user, valid and revoked (`include_revoked`; follows the listing's checkpoint). */
export async function userTokens(token: string, userId: string): Promise<RefreshToken[]> {
  const tokens: RefreshToken[] = [];
  let from: string | undefined;
  do {
    const query = `include_revoked=true&take=100${from ? `&from=${enc(from)}` : ''}`;
    const page = await management<{ tokens: RefreshToken[]; next?: string }>(token, 'GET', `users/${enc(userId)}/refresh-tokens?${query}`);
    tokens.push(...page.tokens);
    from = page.next;
  } while (from);
  return tokens;
}
