import { z } from 'zod';

/*
 * The management API's answers the administration page reads (refresh tokens,
 * users, clients), in a file that imports zod
 * only: the administration page (a browser bundle) derives its types from
 * these schemas with type-only imports, so the page and the server cannot
 * drift. The presenters re-export them.
 */

export const refreshTokenSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    client_id: z.string(),
    created_at: z.string(),
    idle_expires_at: z
      .string()
      .nullable()
      .meta({ description: 'When it expires unless exchanged before (the last exchange + the idle lifetime); null when the idle lifetime is infinite' }),
    expires_at: z.string().nullable().meta({ description: 'When it expires whatever happens (issuance + the token lifetime); null when infinite' }),
    last_exchanged_at: z.string().nullable().meta({ description: 'The last recorded exchange (a rotation or a use under an expiring policy); null when never' }),
    device: z.object({ device_id: z.string(), device_name: z.string() }).strict(),
    scope: z.string(),
    rotating: z.boolean().meta({ description: 'Whether its client rotates refresh tokens (each exchange answers a new one)' }),
    generation: z.number().int().meta({ description: '0 at issuance, +1 per rotation; the id (and sid) stays' }),
    session_id: z.null(),
    dpop_jkt: z.string().nullable().meta({ description: 'RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449); null when unbound' }),
    revoked_at: z.string().optional().meta({ description: 'Only on a revoked token' }),
    revoked_by: z.string().nullable().optional(),
    revocation_reason: z.string().nullable().optional(),
  })
  .strict()
  .meta({ id: 'RefreshToken' });

const historyValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), z.record(z.string(), z.union([z.string(), z.number()]))]);

export const tokenHistorySchema = z
  .object({
    events: z.array(
      z
        .object({
          type: z.string().meta({ examples: ['RefreshTokenIssued', 'RefreshTokenRevoked'] }),
          time: z.string(),
          log_position: z.number().int(),
          leaf_index: z.number().int().nullable().meta({ description: 'The leaf of this event in the verifiable log (GET /api/v2/audit/leaves/{index}); null until appended' }),
          actor: z.string(),
          reason: z.string().nullable(),
          correlation_id: z.string().nullable(),
          causation_id: z.string().nullable(),
          data: z.record(z.string(), historyValue),
        })
        .strict(),
    ),
  })
  .strict()
  .meta({ id: 'TokenHistory' });

/** One user id that has refresh tokens, found by GET /api/v2/users?q= (users themselves belong to the login service). */
export const userMatchSchema = z
  .object({
    user_id: z.string(),
    valid_tokens: z.number().int().meta({ description: 'Its valid refresh tokens now (0: every one revoked)' }),
    last_issued_at: z.string().meta({ description: 'When its latest refresh token was issued' }),
  })
  .strict()
  .meta({ id: 'UserMatch' });

/** Auth0's `refresh_token` client object, resolved (every field present). */
export const refreshTokenPolicySchema = z
  .object({
    rotation_type: z.enum(['non-rotating', 'rotating']),
    expiration_type: z.enum(['non-expiring', 'expiring']),
    leeway: z.number().int().meta({ description: 'Seconds after a rotation in which the spent predecessor answers the same successor' }),
    token_lifetime: z.number().int().meta({ description: 'Absolute lifetime in seconds (ignored when infinite_token_lifetime)' }),
    infinite_token_lifetime: z.boolean(),
    idle_token_lifetime: z.number().int().meta({ description: 'Idle lifetime in seconds (ignored when infinite_idle_token_lifetime)' }),
    infinite_idle_token_lifetime: z.boolean(),
  })
  .strict()
  .meta({
    id: 'RefreshTokenPolicy',
    description: 'The client\'s refresh-token policy; a client registered before policies existed keeps the legacy one (non-rotating, non-expiring)',
  });

export const clientSchema = z
  .object({
    client_id: z.string(),
    name: z.string(),
    app_type: z.string(),
    token_endpoint_auth_method: z.string(),
    is_first_party: z.literal(true),
    jwt_configuration: z.object({ alg: z.string(), lifetime_in_seconds: z.number().int(), secret_encoded: z.literal(false) }).strict(),
    grant_types: z.array(z.string()),
    allowed_clients: z.array(z.string()).meta({ description: 'Clients that may name this one as the target of /delegation' }),
    refresh_token: refreshTokenPolicySchema,
    require_proof_of_possession: z.boolean().meta({ description: 'Only DPoP-bound (sender-constrained) refresh tokens are issued to this client' }),
    created_at: z.string(),
    client_secret: z.string().optional().meta({ description: 'Only in the 201 that creates a confidential client' }),
  })
  .strict()
  .meta({ id: 'Client' });
