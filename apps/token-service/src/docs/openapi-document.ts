import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { createClientGrantBody, listClientGrantsQuery } from '../management/client-grants/client-grants.controller';
import { createClientBody, listClientsQuery, updateClientBody } from '../management/clients/clients.controller';
import { listDeviceCredentialsQuery } from '../management/device-credentials/device-credentials.controller';
import { pagedListSchema } from '../management/paging';
import {
  clientGrantSchema,
  clientSchema,
  deviceCredentialSchema,
  issuedRefreshTokenSchema,
  refreshTokenSchema,
  tokenHistorySchema,
} from '../management/presenters';
import { reasonOnly } from '../management/reason';
import { issueRefreshTokenBody } from '../management/refresh-tokens/refresh-tokens.controller';
import { delegationParams } from '../oauth/delegation/delegation.controller';
import { tokenParams } from '../oauth/token/token.controller';
import { revokeParams } from '../revocation/rfc7009-revoke.controller';
import { auditLogPaths } from '../audit/audit-log.openapi';
import { withManagementExamples } from './management-examples';
import { userPaths } from './user-paths';
import { managementErrorSchema, oauthErrorSchema } from './error-bodies';
import {
  delegationResponseSchema,
  healthSchema,
  jwksSchema,
  openIdConfigurationSchema,
  tokenResponseSchema,
} from './oauth-responses';

/*
 * The OpenAPI 3.1 document, generated (zod-openapi) from the zod schemas the
 * controllers validate with and the presenters' response schemas: one source
 * for what is checked and what is documented. A route missing here fails
 * api-description.e2e.spec.ts, which compares this document with the controllers.
 */

const json = (schema: z.ZodType, example?: unknown) => ({ content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } });
const oauthBody = (schema: z.ZodType, example: Record<string, string>) => ({
  required: true,
  content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema, example } },
});

/** The same validation with a description on each field, for the document only (the controller's schema stays as it is). */
function described<T extends z.ZodRawShape>(schema: z.ZodObject<T>, notes: Partial<Record<keyof T & string, string>>): z.ZodObject {
  const fields = Object.entries(notes).map(([name, description]) => {
    const field: unknown = schema.shape[name];
    if (!(field instanceof z.ZodType)) throw new Error(`no field ${name} to describe`);
    return [name, field.meta({ description })];
  });
  return schema.extend(Object.fromEntries(fields));
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const EXAMPLE_CLIENT_ID = 'Hn4aTzR1xP2yKq8mVw3cLs7dBf6gJe5u';
const EXAMPLE_REFRESH_TOKEN = 'rt_Zk9dQ2xV7mB4nL1pR8sT3wY6cF0hJ5gA2eD9uK4qN7v';
const EXAMPLE_ID_TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjIwMjYtMDEifQ.eyJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjMwMDAvIn0.c2lnbmF0dXJl';

const MANAGEMENT_ERRORS: Record<number, string> = {
  400: 'Malformed input (body, query or path), in words',
  401: 'No, expired or invalid management token',
  403: 'The token lacks the scope (`insufficient_scope`)',
  404: 'No such resource',
  409: 'Refused: it would lock the management API out',
  503: 'Not available yet (no checkpoint signed) or not in this process',
};
/** Each OAuth endpoint's own errors (RFC 6749 §5.2 codes it can answer). */
const oauthErrors = (badRequest: string, rateLimited: string): Record<number, string> => ({
  400: badRequest,
  401: '`invalid_client`: unknown client, or a confidential client without its secret or with a wrong one',
  429: `\`too_many_requests\` with \`Retry-After\`: ${rateLimited}`,
});
const DELEGATION_ERRORS = oauthErrors(
  '`invalid_request` (a missing field, both or neither of `refresh_token` and `id_token`, a wrong `grant_type`, a `target` that does not allow this client), `invalid_grant` (unknown, revoked or another client\'s token), `unauthorized_client` (the client lacks the delegation grant type), `invalid_scope`',
  'more than DELEGATION_RATE_LIMIT requests a minute for one (IP, user), shared with the refresh grant',
);
const TOKEN_ERRORS = oauthErrors(
  '`invalid_request` (a missing field), `unsupported_grant_type` (not `refresh_token` or `client_credentials`), `invalid_grant` (unknown or revoked refresh token, another client\'s), `unauthorized_client` (the grant is not allowed to this client), `invalid_scope` (more than the token or the client grant holds)',
  'refresh grant: more than DELEGATION_RATE_LIMIT requests a minute for one (IP, user); any grant: CLIENT_AUTH_FAILURE_LIMIT failed client authentications a minute for one (client, IP)',
);
const REVOKE_ERRORS = oauthErrors(
  '`invalid_request` (no `token`, or a malformed field); an unknown or already revoked token is not an error (200)',
  'CLIENT_AUTH_FAILURE_LIMIT failed client authentications a minute for one (client, IP)',
);

function errors(codes: readonly number[], descriptions: Record<number, string>, schema: z.ZodType): ZodOpenApiResponsesObject {
  return Object.fromEntries(codes.map((code) => [String(code), { description: descriptions[code], ...json(schema) }]));
}

/** One management operation as the document describes it (user-paths.ts builds its operations with the same helper). */
export interface ManagementOperation {
  summary: string;
  scope: string;
  tag: string;
  path?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201 | 204;
  response?: z.ZodType;
  errors: readonly number[];
}

function management(op: ManagementOperation): ZodOpenApiOperationObject {
  return {
    tags: [op.tag],
    summary: op.summary,
    description: `Scope: \`${op.scope}\`.`,
    security: [{ bearerAuth: [op.scope] }],
    ...(op.path || op.query ? { requestParams: { ...(op.path ? { path: op.path } : {}), ...(op.query ? { query: op.query } : {}) } } : {}),
    // A DELETE's body (a reason, filters) is optional; a create's is not.
    ...(op.body ? { requestBody: { required: op.status !== 204, ...json(op.body) } } : {}),
    responses: {
      [String(op.status)]: { description: op.status === 204 ? 'Done (no body)' : 'OK', ...(op.response ? json(op.response) : {}) },
      ...errors([401, 403, ...op.errors], MANAGEMENT_ERRORS, managementErrorSchema),
    },
  };
}

/** A revoking or deleting call's optional reason, in the query or a JSON body (product.md). */
const reasonInput = { query: reasonOnly, body: reasonOnly };
const id = (name: string, description: string) => z.object({ [name]: z.string().meta({ description }) });
const clientId = id('id', 'client_id');
const tokenId = id('id', 'The refresh token id (device credential id)');

const paths: ZodOpenApiPathsObject = {
  '/delegation': {
    post: {
      tags: ['oauth'],
      summary: "Auth0's legacy delegation: a refresh token (or our id_token) for a new id_token",
      requestBody: oauthBody(
        described(delegationParams, {
          client_id: 'The application (client) the refresh token was issued to',
          grant_type: `Always \`${JWT_BEARER}\``,
          refresh_token: 'The refresh token (exactly one of `refresh_token` and `id_token`)',
          id_token: 'An id_token we issued to this client, for a still valid credential (exactly one of `refresh_token` and `id_token`)',
          target: 'Another client to mint the id_token for (its `allowed_clients` must list the caller); default the caller',
          scope: '`openid` (default), optionally with more claims',
          api_type: '`app` (Auth0\'s only value), accepted and ignored',
        }).meta({ id: 'DelegationRequest' }),
        { client_id: EXAMPLE_CLIENT_ID, grant_type: JWT_BEARER, refresh_token: EXAMPLE_REFRESH_TOKEN, scope: 'openid' },
      ),
      responses: {
        '200': { description: 'A new id_token', ...json(delegationResponseSchema, { token_type: 'Bearer', expires_in: 36000, id_token: EXAMPLE_ID_TOKEN }) },
        ...errors([400, 401, 429], DELEGATION_ERRORS, oauthErrorSchema),
      },
    },
  },
  '/oauth/token': {
    post: {
      tags: ['oauth'],
      summary: 'RFC 6749 token endpoint: refresh_token and client_credentials grants',
      description: 'Client authentication: `client_secret` in the body, or HTTP Basic.',
      requestBody: oauthBody(
        described(tokenParams, {
          grant_type: 'One of `refresh_token` (an id_token and an access token for a refresh token) or `client_credentials` (a management token)',
          client_id: 'The client; or in HTTP Basic',
          client_secret: "A confidential client's secret; or in HTTP Basic. Public (native, SPA) clients send none",
          refresh_token: 'With `grant_type=refresh_token`: the refresh token',
          scope: 'Optional: at most the scopes the token or the client grant holds',
          audience: 'With `grant_type=client_credentials`: the API, `${ISSUER}api/v2/` for the management API',
        }).meta({ id: 'TokenRequest' }),
        { grant_type: 'refresh_token', client_id: EXAMPLE_CLIENT_ID, refresh_token: EXAMPLE_REFRESH_TOKEN },
      ),
      responses: {
        '200': {
          description: 'Tokens',
          ...json(tokenResponseSchema, { access_token: EXAMPLE_ID_TOKEN, id_token: EXAMPLE_ID_TOKEN, token_type: 'Bearer', expires_in: 86400, scope: 'openid offline_access' }),
        },
        ...errors([400, 401, 429], TOKEN_ERRORS, oauthErrorSchema),
      },
    },
  },
  '/oauth/revoke': {
    post: {
      tags: ['oauth'],
      summary: 'RFC 7009 token revocation (refresh tokens)',
      description: 'Client authentication: `client_secret` in the body, or HTTP Basic. 200 also for an unknown token (RFC 7009 §2.2).',
      requestBody: oauthBody(
        described(revokeParams, {
          token: 'The refresh token to revoke',
          token_type_hint: 'Optional: `refresh_token`',
          client_id: 'The client the token was issued to; or in HTTP Basic',
          client_secret: "A confidential client's secret; or in HTTP Basic",
        }).meta({ id: 'RevokeRequest' }),
        { token: EXAMPLE_REFRESH_TOKEN, token_type_hint: 'refresh_token', client_id: EXAMPLE_CLIENT_ID },
      ),
      responses: { '200': { description: 'Revoked, or nothing to revoke (empty body)' }, ...errors([400, 401, 429], REVOKE_ERRORS, oauthErrorSchema) },
    },
  },
  '/.well-known/openid-configuration': {
    get: { tags: ['discovery'], summary: 'OpenID Provider Metadata', responses: { '200': { description: 'OK', ...json(openIdConfigurationSchema) } } },
  },
  '/.well-known/jwks.json': {
    get: { tags: ['discovery'], summary: 'Public signing keys (JWKS)', responses: { '200': { description: 'OK', ...json(jwksSchema) } } },
  },
  '/health/live': {
    get: { tags: ['operations'], summary: 'Liveness: the process answers', responses: { '200': { description: 'Up', ...json(healthSchema) } } },
  },
  '/health/ready': {
    get: {
      tags: ['operations'],
      summary: 'Readiness: event store, projection caught up; Kafka reported',
      responses: { '200': { description: 'Ready', ...json(healthSchema) }, '503': { description: 'Not ready', ...json(healthSchema) } },
    },
  },
  '/metrics': {
    get: {
      tags: ['operations'],
      summary: 'Prometheus metrics (with METRICS_TOKEN set: only with that bearer token)',
      responses: {
        '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        '401': { description: 'METRICS_TOKEN is set and the bearer token is missing or wrong', ...json(managementErrorSchema) },
      },
    },
  },
  '/api/v2/clients': {
    post: management({
      tag: 'clients',
      summary: 'Create a client; the secret is in this response only',
      scope: 'create:clients',
      body: createClientBody,
      status: 201,
      response: clientSchema,
      errors: [400],
    }),
    get: management({
      tag: 'clients',
      summary: 'List clients',
      scope: 'read:clients',
      query: listClientsQuery,
      status: 200,
      response: pagedListSchema('clients', clientSchema),
      errors: [400],
    }),
  },
  '/api/v2/clients/{id}': {
    get: management({ tag: 'clients', summary: 'One client', scope: 'read:clients', path: clientId, status: 200, response: clientSchema, errors: [400, 404] }),
    patch: management({
      tag: 'clients',
      summary: 'Change a client: name, grant_types, allowed_clients, refresh_token, require_proof_of_possession; answers the updated client',
      scope: 'update:clients',
      path: clientId,
      body: updateClientBody,
      status: 200,
      response: clientSchema,
      errors: [400, 404, 409],
    }),
    delete: management({
      tag: 'clients',
      summary: 'Delete a client; every refresh token of it is revoked (actor system)',
      scope: 'delete:clients',
      path: clientId,
      ...reasonInput,
      status: 204,
      errors: [400, 404, 409],
    }),
  },
  '/api/v2/clients/{id}/refresh-tokens': {
    delete: management({
      tag: 'clients',
      summary: 'Revoke every refresh token of the client; the client stays',
      scope: 'delete:refresh_tokens',
      path: clientId,
      ...reasonInput,
      status: 204,
      errors: [400, 404],
    }),
  },
  '/api/v2/client-grants': {
    post: management({
      tag: 'client grants',
      summary: 'Grant a client management scopes (only scopes the caller holds)',
      scope: 'create:client_grants',
      body: createClientGrantBody,
      status: 201,
      response: clientGrantSchema,
      errors: [400, 409],
    }),
    get: management({
      tag: 'client grants',
      summary: 'List client grants',
      scope: 'read:client_grants',
      query: listClientGrantsQuery,
      status: 200,
      response: pagedListSchema('client_grants', clientGrantSchema),
      errors: [400],
    }),
  },
  '/api/v2/client-grants/{id}': {
    delete: management({
      tag: 'client grants',
      summary: 'Delete a client grant; tokens it backed stop working at once',
      scope: 'delete:client_grants',
      path: id('id', 'The grant id'),
      ...reasonInput,
      status: 204,
      errors: [400, 404, 409],
    }),
  },
  '/api/v2/device-credentials': {
    get: management({
      tag: 'device credentials',
      summary: 'List valid device credentials (refresh tokens)',
      scope: 'read:device_credentials',
      query: listDeviceCredentialsQuery,
      status: 200,
      response: pagedListSchema('device_credentials', deviceCredentialSchema),
      errors: [400],
    }),
  },
  '/api/v2/device-credentials/{id}': {
    delete: management({
      tag: 'device credentials',
      summary: 'Revoke a device credential; unknown or already revoked is 404',
      scope: 'delete:device_credentials',
      path: tokenId,
      ...reasonInput,
      status: 204,
      errors: [400, 404],
    }),
  },
  '/api/v2/refresh-tokens': {
    post: management({
      tag: 'refresh tokens',
      summary: 'Issue a refresh token (scope must contain offline_access); the plaintext is in this response only',
      scope: 'create:refresh_tokens',
      body: issueRefreshTokenBody,
      status: 201,
      response: issuedRefreshTokenSchema,
      errors: [400, 404],
    }),
  },
  '/api/v2/refresh-tokens/{id}': {
    get: management({
      tag: 'refresh tokens',
      summary: 'One refresh token, valid or revoked',
      scope: 'read:refresh_tokens',
      path: tokenId,
      status: 200,
      response: refreshTokenSchema,
      errors: [400, 404],
    }),
    delete: management({
      tag: 'refresh tokens',
      summary: 'Revoke a refresh token (idempotent: 204 also when already revoked)',
      scope: 'delete:refresh_tokens',
      path: tokenId,
      ...reasonInput,
      status: 204,
      errors: [400, 404],
    }),
  },
  '/api/v2/refresh-tokens/{id}/history': {
    get: management({
      tag: 'refresh tokens',
      summary: "The token's events in log order, from the event store",
      scope: 'read:refresh_tokens',
      path: tokenId,
      status: 200,
      response: tokenHistorySchema,
      errors: [400, 404],
    }),
  },
  ...userPaths(management),
  ...auditLogPaths(management),
};

/** The document served at /docs/openapi.json. */
export function openApiDocument(version: string) {
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'refresh-token service',
        description: 'Auth0-compatible refresh tokens: /delegation, OAuth 2.0 endpoints, Management API v2',
        version,
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      paths: withManagementExamples(paths),
    },
    // Schemas with an id (`.meta({ id })`) once under components; the rest inline where used.
    { reused: 'inline' },
  );
}
