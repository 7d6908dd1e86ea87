import { z } from 'zod';

/*
 * The answers of the OAuth and operations endpoints, for the OpenAPI document;
 * the e2e suite checks real answers against them (openapi-conformance.e2e.spec.ts).
 */

export const delegationResponseSchema = z
  .object({ token_type: z.literal('Bearer'), expires_in: z.number().int(), id_token: z.string() })
  .strict()
  .meta({ id: 'DelegationResponse' });

export const tokenResponseSchema = z
  .object({
    access_token: z.string(),
    id_token: z.string().optional().meta({ description: 'refresh_token grant only' }),
    token_type: z.enum(['Bearer', 'DPoP']).meta({ description: 'DPoP when the access token is bound to the DPoP proof key (RFC 9449)' }),
    expires_in: z.number().int(),
    scope: z.string(),
  })
  .strict()
  .meta({ id: 'TokenResponse' });

export const openIdConfigurationSchema = z
  .looseObject({
    issuer: z.string(),
    jwks_uri: z.string(),
    token_endpoint: z.string(),
    revocation_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    dpop_signing_alg_values_supported: z.array(z.string()),
  })
  .meta({ id: 'OpenIdConfiguration' });

export const jwksSchema = z
  .object({ keys: z.array(z.looseObject({ kid: z.string(), alg: z.string(), use: z.literal('sig'), kty: z.string() })) })
  .strict()
  .meta({ id: 'JsonWebKeySet' });

/** @nestjs/terminus's health report. */
export const healthSchema = z
  .looseObject({
    status: z.enum(['ok', 'error', 'shutting_down']),
    info: z.record(z.string(), z.looseObject({ status: z.string() })).optional(),
    error: z.record(z.string(), z.looseObject({ status: z.string() })).optional(),
    details: z.record(z.string(), z.looseObject({ status: z.string() })),
  })
  .meta({ id: 'Health' });
