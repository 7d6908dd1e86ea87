import { z } from 'zod';
import {
  EXPIRATION_TYPES,
  MAX_LEEWAY_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  ROTATION_TYPES,
  type ExpirationType,
  type RefreshTokenPolicy,
  type RefreshTokenPolicyInput,
  type RotationType,
} from '@app/clients';
import { InvalidArgumentError } from '@app/shared';
import { badRequest } from '../../errors/management-error';

/*
 * Auth0's `refresh_token` client object at the HTTP edge: its snake_case
 * names ↔ the domain's camelCase `RefreshTokenPolicy`. Bounds are checked
 * here (400 naming the field) and again by the domain, which also applies
 * the rules across fields (a spa never non-expiring, idle ≤ absolute, ...).
 */

/** Auth0 name → domain name, for the fields of the object and the messages of the domain's refusals. */
const AUTH0_NAMES = {
  rotation_type: 'rotationType',
  expiration_type: 'expirationType',
  leeway: 'leeway',
  token_lifetime: 'tokenLifetime',
  infinite_token_lifetime: 'infiniteTokenLifetime',
  idle_token_lifetime: 'idleTokenLifetime',
  infinite_idle_token_lifetime: 'infiniteIdleTokenLifetime',
} as const satisfies Record<string, keyof RefreshTokenPolicy>;

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** The object a POST or PATCH sends: every field optional, laid over the defaults (POST) or the current policy (PATCH). */
export const refreshTokenPolicyBody = z
  .object({
    rotation_type: z
      .enum(ROTATION_TYPES as readonly [RotationType, ...RotationType[]])
      .optional()
      .meta({ description: '`rotating`: each exchange at /oauth/token answers a new refresh token and spends the presented one (reuse revokes the family). Default `non-rotating` (`rotating` for a spa)' }),
    expiration_type: z
      .enum(EXPIRATION_TYPES as readonly [ExpirationType, ...ExpirationType[]])
      .optional()
      .meta({ description: 'Default `non-expiring` (`expiring` for a spa, which cannot be non-expiring). Switching it without naming the `infinite_*` flags sets them to match' }),
    leeway: seconds(0, MAX_LEEWAY_SECONDS)
      .optional()
      .meta({ description: 'Seconds after a rotation in which the spent predecessor answers the same successor again (0-300, default 0)' }),
    token_lifetime: seconds(MIN_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS)
      .optional()
      .meta({ description: 'Absolute lifetime in seconds, fixed when the family starts, never extended by rotation (default 2592000)' }),
    infinite_token_lifetime: z.boolean().optional().meta({ description: 'No absolute lifetime (true when non-expiring)' }),
    idle_token_lifetime: seconds(MIN_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS)
      .optional()
      .meta({ description: 'Idle lifetime in seconds, renewed by each exchange, at most `token_lifetime` (default 1296000)' }),
    infinite_idle_token_lifetime: z.boolean().optional().meta({ description: 'No idle lifetime (true when non-expiring)' }),
  })
  .strict()
  .meta({
    id: 'RefreshTokenPolicyInput',
    description: "Auth0's refresh_token object. Changing a policy applies to each token family at its next exchange",
  });

export type RefreshTokenPolicyBody = z.output<typeof refreshTokenPolicyBody>;

/** The domain's input: only the fields sent (the rest comes from the base). */
export function toPolicyInput(body: RefreshTokenPolicyBody | undefined): RefreshTokenPolicyInput | undefined {
  if (body === undefined) return undefined;
  const input: RefreshTokenPolicyInput = {};
  for (const [auth0, domain] of Object.entries(AUTH0_NAMES) as Array<[keyof RefreshTokenPolicyBody, keyof RefreshTokenPolicy]>) {
    if (body[auth0] !== undefined) (input as Record<string, unknown>)[domain] = body[auth0];
  }
  return input;
}

/** Auth0's shape of a resolved policy (GET). */
export function presentRefreshTokenPolicy(policy: RefreshTokenPolicy) {
  return {
    rotation_type: policy.rotationType,
    expiration_type: policy.expirationType,
    leeway: policy.leeway,
    token_lifetime: policy.tokenLifetime,
    infinite_token_lifetime: policy.infiniteTokenLifetime,
    idle_token_lifetime: policy.idleTokenLifetime,
    infinite_idle_token_lifetime: policy.infiniteIdleTokenLifetime,
  };
}

const DOMAIN_TO_AUTH0: ReadonlyArray<[string, string]> = [
  ['refreshToken', 'refresh_token'],
  ['requireProofOfPossession', 'require_proof_of_possession'],
  ['grantTypes', 'grant_types'],
  ['allowedClients', 'allowed_clients'],
  ...Object.entries(AUTH0_NAMES).map(([auth0, domain]): [string, string] => [domain, auth0]),
];

/** A domain message in the API's names: `refreshToken.idleTokenLifetime: must not exceed tokenLifetime` → snake_case. */
export function inAuth0Names(text: string): string {
  return DOMAIN_TO_AUTH0.reduce((out, [domain, auth0]) => out.replace(new RegExp(`\\b${domain}\\b`, 'g'), auth0), text);
}

/**
 * Runs a registration or update; a refusal of a policy or grant field by the domain
 * (its rules across fields) becomes the 400 a schema refusal is, in the
 * API's field names.
 */
export async function withAuth0FieldNames<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidArgumentError && /^(refreshToken|requireProofOfPossession|grantTypes|allowedClients)\b/.test(error.field)) {
      throw badRequest(`Payload validation error: ${inAuth0Names(error.message)}`, 'invalid_body');
    }
    throw error;
  }
}
