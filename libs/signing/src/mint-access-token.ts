import { SignJWT } from 'jose';
import { cryptoIds, type Clock } from '@app/shared';
import { toNumericDate } from './algorithms';
import { InvalidInputError } from './errors';
import type { KeyStore } from './key-store';

/** Auth0's default lifetime for management API tokens: 24 hours. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 86_400;

/** RFC 9068 §2.1: access tokens are typed, so an id_token can never pass for one. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

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
 * iat, exp, scope, gty 'client-credentials', azp, client_id, jti.
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
  const reserved = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti', 'scope', 'gty', 'azp', 'client_id'];
  const clash = Object.keys(extra).find((k) => reserved.includes(k));
  if (clash) throw new InvalidInputError(`extraClaims may not set ${clash}`);
  const gty = input.grantType ?? 'client-credentials';
  const accessToken = await new SignJWT({ ...extra, scope, gty, azp: input.clientId, client_id: input.clientId })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(input.issuer)
    .setSubject(input.subject ?? `${input.clientId}@clients`)
    .setAudience(input.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(key.privateKey);
  return { accessToken, expiresIn: lifetime, iat, exp, scope, jti };
}
