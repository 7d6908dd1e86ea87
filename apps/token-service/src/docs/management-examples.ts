import type { ZodOpenApiPathsObject } from 'zod-openapi';

/*
 * A request and an answer for each management endpoint, as /docs shows them.
 * The document's test validates each example against its own schema, so an
 * example cannot drift from what the endpoint accepts and answers.
 */

const CLIENT_ID = 'Hn4aTzR1xP2yKq8mVw3cLs7dBf6gJe5u';
const TOKEN_ID = 'dcr_8f3KqX2mT9vL4nB7';
const USER_ID = 'auth0|alice';
const AUDIENCE = 'http://localhost:3000/api/v2/';
const CREATED_AT = '2026-12-07T09:30:00.000Z';

const client = {
  client_id: CLIENT_ID,
  name: 'Acme Mobile',
  app_type: 'native',
  token_endpoint_auth_method: 'none',
  is_first_party: true,
  jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false },
  grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token'],
  allowed_clients: [],
  refresh_token: {
    rotation_type: 'rotating',
    expiration_type: 'expiring',
    leeway: 30,
    token_lifetime: 2592000,
    infinite_token_lifetime: false,
    idle_token_lifetime: 1296000,
    infinite_idle_token_lifetime: false,
  },
  require_proof_of_possession: false,
  created_at: CREATED_AT,
};
const grant = { id: 'cgr_4Tq9Lm2Xv7Kp', client_id: CLIENT_ID, audience: AUDIENCE, scope: ['read:refresh_tokens', 'delete:refresh_tokens'] };
const device = { device_id: 'pixel-8-7f3a', device_name: 'Pixel 8' };
const refreshToken = {
  id: TOKEN_ID,
  user_id: USER_ID,
  client_id: CLIENT_ID,
  created_at: CREATED_AT,
  idle_expires_at: null,
  expires_at: null,
  last_exchanged_at: null,
  device,
  scope: 'openid offline_access',
  rotating: false,
  generation: 0,
  session_id: null,
  dpop_jkt: null,
};
const revoked = { ...refreshToken, revoked_at: '2026-12-07T10:02:11.000Z', revoked_by: CLIENT_ID, revocation_reason: 'phone stolen' };
const reason = { reason: 'phone stolen' };

interface Example {
  request?: unknown;
  response?: unknown;
}

/** By path, then method. */
export const MANAGEMENT_EXAMPLES: Record<string, Record<string, Example>> = {
  '/api/v2/clients': {
    post: {
      request: { name: 'Acme Mobile', app_type: 'native', refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 30 } },
      response: client,
    },
    get: { response: [client] },
  },
  '/api/v2/clients/{id}': {
    get: { response: client },
    patch: { request: { refresh_token: { rotation_type: 'rotating', leeway: 30 }, require_proof_of_possession: false }, response: client },
    delete: { request: { reason: 'application retired' } },
  },
  '/api/v2/clients/{id}/refresh-tokens': { delete: { request: { reason: 'application compromised' } } },
  '/api/v2/client-grants': {
    post: { request: { client_id: CLIENT_ID, audience: AUDIENCE, scope: grant.scope }, response: grant },
    get: { response: [grant] },
  },
  '/api/v2/client-grants/{id}': { delete: { request: { reason: 'no longer needed' } } },
  '/api/v2/device-credentials': { get: { response: [{ id: TOKEN_ID, ...device, type: 'refresh_token', user_id: USER_ID, client_id: CLIENT_ID }] } },
  '/api/v2/device-credentials/{id}': { delete: { request: reason } },
  '/api/v2/refresh-tokens': {
    post: {
      request: { client_id: CLIENT_ID, user_id: USER_ID, device_name: 'Pixel 8', device_id: device.device_id, scope: 'openid offline_access' },
      response: { id: TOKEN_ID, refresh_token: 'rt_Zk9dQ2xV7mB4nL1pR8sT3wY6cF0hJ5gA2eD9uK4qN7v', client_id: CLIENT_ID, user_id: USER_ID, ...device, scope: 'openid offline_access', created_at: CREATED_AT, dpop_jkt: null },
    },
  },
  '/api/v2/refresh-tokens/{id}': { get: { response: revoked }, delete: { request: reason } },
  '/api/v2/refresh-tokens/{id}/history': {
    get: {
      response: {
        events: [
          {
            type: 'RefreshTokenIssued',
            time: CREATED_AT,
            log_position: 1042,
            leaf_index: 311,
            actor: CLIENT_ID,
            reason: null,
            correlation_id: 'req_5b1c9e',
            causation_id: null,
            data: { client_id: CLIENT_ID, user_id: USER_ID, ...device, scope: 'openid offline_access' },
          },
          {
            type: 'RefreshTokenRevoked',
            time: revoked.revoked_at,
            log_position: 1077,
            leaf_index: 329,
            actor: CLIENT_ID,
            reason: 'phone stolen',
            correlation_id: 'req_9d04aa',
            causation_id: null,
            data: { revoked_at: revoked.revoked_at },
          },
        ],
      },
    },
  },
  '/api/v2/users': {
    get: {
      response: [
        { user_id: USER_ID, valid_tokens: 2, last_issued_at: CREATED_AT },
        { user_id: 'google-oauth2|alicia', valid_tokens: 0, last_issued_at: '2026-11-30T16:12:40.000Z' },
      ],
    },
  },
  '/api/v2/users/{user_id}/refresh-tokens': {
    get: { response: { tokens: [refreshToken], next: TOKEN_ID } },
    delete: { request: { client_id: CLIENT_ID, device_id: device.device_id, reason: 'phone stolen' } },
  },
  '/api/v2/audit/leaves/{index}': {
    get: { response: { index: 311, leaf_data: 'AAECAwQFBgcICQoLDA0ODw==', event_id: '2b7e1516-28ae-4d2a-abf7-158809cf4f3c', log_position: 1042 } },
  },
  '/api/v2/audit/proofs/inclusion': {
    get: { response: { index: 311, tree_size: 512, leaf_hash: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', hashes: ['3q2+7w==', 'yv66vg=='] } },
  },
  '/api/v2/audit/proofs/consistency': { get: { response: { first: 256, second: 512, hashes: ['3q2+7w==', 'yv66vg=='] } } },
};

type Operation = { requestBody?: { content?: Record<string, { example?: unknown }> }; responses?: Record<string, { content?: Record<string, { example?: unknown }> }> };

/** The paths with each example set on its operation's JSON request body and its success answer. */
export function withManagementExamples(paths: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  for (const [path, methods] of Object.entries(MANAGEMENT_EXAMPLES)) {
    for (const [method, example] of Object.entries(methods)) {
      const operation = (paths[path] as Record<string, Operation> | undefined)?.[method];
      if (!operation) throw new Error(`example for ${method.toUpperCase()} ${path}, which the document does not describe`);
      const body = operation.requestBody?.content?.['application/json'];
      if (example.request !== undefined) {
        if (!body) throw new Error(`request example for ${method.toUpperCase()} ${path}, which takes no JSON body`);
        body.example = example.request;
      }
      if (example.response !== undefined) {
        const success = Object.entries(operation.responses ?? {}).find(([status]) => status.startsWith('2'))?.[1].content?.['application/json'];
        if (!success) throw new Error(`answer example for ${method.toUpperCase()} ${path}, which answers no JSON`);
        success.example = example.response;
      }
    }
  }
  return paths;
}
