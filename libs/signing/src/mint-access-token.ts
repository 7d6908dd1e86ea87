import { cryptoIds, type Clock } from '@app/shared';
import { toNumericDate } from './algorithms';
import { InvalidInputError } from './errors';
import type { KeyStore } from './key-store';
import { preparedSignerFor } from './prepared-signer';

/** Auth0's default lifetime for management API tokens: 24 hours. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 86_400;

/** RFC 9068 §2.1: access tokens are typed, so an id_token can never pass for one. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * A client grant a management token was minted under: its id and stream
 * revision, carried in the private claim `grants` so the token stops when
 * that grant is deleted or changed, and never revives with a look-alike.
 */
export interface GrantBinding {
  grantId: string;
  revision: number;
}

/** The private claim naming a management token's grants: `[{ id, rev }]`. */
export const GRANTS_CLAIM = 'grants';

export interface MintAccessTokenInput {
  keyStore: KeyStore;
  issuer: string;
  /** `aud`: the management API, `${ISSUER}api/v2/`. */
  audience: string;
  clientId: string;
  /** `sub`; default `${clientId}@clients` (Auth0's form for client_credentials). */
  subject?: string;
  /** The client grant's scopes; written as one space-separated `scope` claim (RFC 8693 §4.2). */
  scope: readonly string[];
  lifetimeInSeconds?: number;
  clock: Clock;
  /** `jti`; default a random UUID. */
  jti?: string;
  /** `gty`: how the token was obtained (default 'client-credentials'; 'refresh_token' for a user's token). */
  grantType?: string;
  /** The client grants whose scopes the token carries (management tokens); written as the `grants` claim. */
  grants?: readonly GrantBinding[];
  /** More claims (e.g. `sid`); may not override a registered or reserved claim. */
  extraClaims?: Record<string, unknown>;
}

export interface MintedAccessToken {
  accessToken: string;
  expiresIn: number;
  iat: number;
  exp: number;
  /** The space-separated scope, as also returned in the token response. */
  scope: string;
  jti: string;
}

/**
 * Mints a management access token for `client_credentials` (F6/F8): RS256
 * with the store's current RS256 key, typ 'at+jwt'; claims iss, sub, aud,
 * iat, exp, scope, gty 'client-credentials', azp, client_id, jti, and
 * `grants` when given.
 */
export async function mintAccessToken(input: MintAccessTokenInput): Promise<MintedAccessToken> {
  const lifetime = input.lifetimeInSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(lifetime) || lifetime <= 0) throw new InvalidInputError('lifetimeInSeconds must be a positive integer');
  if (input.scope.some((s) => s === '' || /\s/.test(s))) throw new InvalidInputError('a scope may not be empty or contain spaces');
  const key = input.keyStore.signingKey('RS256');
  const iat = toNumericDate(input.clock.now());
  const exp = iat + lifetime;
  const scope = input.scope.join(' ');
  const jti = input.jti ?? cryptoIds.uuid();
  const extra = input.extraClaims ?? {};
  const reserved = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti', 'scope', 'gty', 'azp', 'client_id', GRANTS_CLAIM];
  const clash = Object.keys(extra).find((k) => reserved.includes(k));
  if (clash) throw new InvalidInputError(`extraClaims may not set ${clash}`);
  const gty = input.grantType ?? 'client-credentials';
  const grants = input.grants && { [GRANTS_CLAIM]: input.grants.map((g) => ({ id: g.grantId, rev: g.revision })) };
  const claims = { ...extra, ...grants, scope, gty, azp: input.clientId, client_id: input.clientId, iss: input.issuer, sub: input.subject ?? `${input.clientId}@clients`, aud: input.audience, iat, exp, jti };
  const accessToken = preparedSignerFor(key, ACCESS_TOKEN_TYP).sign(claims);
  return { accessToken, expiresIn: lifetime, iat, exp, scope, jti };
}
