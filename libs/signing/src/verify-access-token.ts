import type { JWTPayload } from 'jose';
import type { Clock } from '@app/shared';
import { ASYMMETRIC_ALGS } from './algorithms';
import { InsufficientScopeError, TokenClaimInvalidError } from './errors';
import type { KeyStore } from './key-store';
import { ACCESS_TOKEN_TYP, type GrantBinding, GRANTS_CLAIM } from './mint-access-token';
import { keyStoreResolver, requireToken, verifyJwt } from './verify-jwt';

export interface VerifyAccessTokenOptions {
  keyStore: KeyStore;
  issuer: string;
  /** The management API audience, `${ISSUER}api/v2/`. */
  audience: string;
  clock: Clock;
  /** Every one of these must be in the token's `scope`, else INSUFFICIENT_SCOPE. */
  requiredScopes?: readonly string[];
  clockToleranceSeconds?: number;
}

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  iat: number;
  exp: number;
  scope?: string;
  azp?: string;
  client_id?: string;
  gty?: string;
}

export interface VerifiedAccessToken {
  clientId: string;
  scopes: string[];
  /** The client grants named by the `grants` claim; undefined when the token names none. */
  grants?: GrantBinding[];
  claims: AccessTokenClaims;
}

/**
 * Verifies a management access token (product.md: "No token → 401; wrong
 * audience, issuer, signature, `alg: none`, expired → 401; missing scope → 403").
 * Algorithm allow-list: RS256, ES256, EdDSA only (never `none`, never HS256:
 * a public key must not double as an HMAC secret, RFC 8725 §2.1); the kid must
 * name a non-retired key of ours whose alg matches the header; typ 'at+jwt'.
 * Errors: TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_CLAIM_INVALID,
 * INSUFFICIENT_SCOPE.
 */
export async function verifyAccessToken(
  token: string | null | undefined,
  options: VerifyAccessTokenOptions,
): Promise<VerifiedAccessToken> {
  const jwt = requireToken(token);
  const { payload } = await verifyJwt(jwt, keyStoreResolver(options.keyStore), {
    algorithms: ASYMMETRIC_ALGS,
    issuer: options.issuer,
    audience: options.audience,
    typ: ACCESS_TOKEN_TYP,
    requiredClaims: ['iss', 'sub', 'aud', 'iat', 'exp'],
    clock: options.clock,
    clockToleranceSeconds: options.clockToleranceSeconds,
  });
  const claims = payload as AccessTokenClaims;
  const clientId = clientIdOf(claims);
  if (claims.scope !== undefined && typeof claims.scope !== 'string') {
    throw new TokenClaimInvalidError('"scope" must be a space-separated string', 'scope');
  }
  const scopes = (claims.scope ?? '').split(' ').filter((s) => s !== '');
  const required = options.requiredScopes ?? [];
  const missing = required.filter((s) => !scopes.includes(s));
  if (missing.length > 0) throw new InsufficientScopeError(required, missing);
  return { clientId, scopes, grants: grantsOf(claims[GRANTS_CLAIM]), claims };
}

function grantsOf(value: unknown): GrantBinding[] | undefined {
  if (value === undefined) return undefined;
  const valid = (g: unknown): g is { id: string; rev: number } =>
    typeof g === 'object' && g !== null && typeof (g as { id?: unknown }).id === 'string' && Number.isSafeInteger((g as { rev?: unknown }).rev);
  if (!Array.isArray(value) || !value.every(valid)) {
    throw new TokenClaimInvalidError(`"${GRANTS_CLAIM}" must be a list of { id, rev }`, GRANTS_CLAIM);
  }
  return value.map((g) => ({ grantId: g.id, revision: g.rev }));
}

function clientIdOf(claims: AccessTokenClaims): string {
  for (const candidate of [claims.client_id, claims.azp]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  if (typeof claims.sub === 'string' && claims.sub.endsWith('@clients') && claims.sub.length > '@clients'.length) {
    return claims.sub.slice(0, -'@clients'.length);
  }
  throw new TokenClaimInvalidError('no client id in the token', 'azp');
}
