import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ClientRecord } from '@app/read-model';
import { narrowScope, parseScope } from '@app/refresh-tokens';
import { mintAccessToken } from '@app/signing';
import { accessDenied, invalidRequest, invalidScope, unauthorizedClient, unsupportedGrantType } from '../../errors/oauth-error';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';
import { ClientAuthenticator } from '../shared/client-authenticator';
import { credentialForClient, findRefreshToken, UNKNOWN_REFRESH_TOKEN } from '../shared/credential-check';
import { tooManyRequests } from '../shared/rate-limiter';
import { perUserKey, RateLimits } from '../shared/rate-limits';
import { TokenMinter } from '../shared/token-minter';
import { TokenQuery, type TokenParams, type TokenResponse } from './token.query';

@QueryHandler(TokenQuery)
export class TokenHandler implements IQueryHandler<TokenQuery> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly clients: ClientAuthenticator,
    private readonly minter: TokenMinter,
    private readonly limits: RateLimits,
  ) {}

  async execute({ params, client: presented, clientIp }: TokenQuery): Promise<TokenResponse> {
    if (params.grant_type !== 'refresh_token' && params.grant_type !== 'client_credentials') {
      throw unsupportedGrantType(params.grant_type);
    }
    const client = await this.clients.authenticate(presented, clientIp);
    // RFC 6749 §5.2 unauthorized_client: the grant is not enabled for this client.
    if (!client.grantTypes.includes(params.grant_type)) {
      throw unauthorizedClient(`The grant type ${params.grant_type} is not allowed for this client.`);
    }
    return params.grant_type === 'refresh_token' ? this.refresh(params, client, clientIp) : this.clientCredentials(params, client);
  }

  /** RFC 6749 §6, as guard clauses. A revoked or unknown token is invalid_grant with one generic description. */
  private async refresh(params: TokenParams, client: ClientRecord, clientIp: string): Promise<TokenResponse> {
    if (!params.refresh_token) throw invalidRequest('Missing required parameter: refresh_token');
    const { queries } = this.runtime;
    const found = findRefreshToken(queries, params.refresh_token);
    // /delegation's budget per (IP, user), counted before the token is judged (guesses count too).
    const decision = await this.limits.perUser.hit(perUserKey(clientIp, found?.userId));
    if (decision && !decision.allowed) throw tooManyRequests(decision);
    const credential = credentialForClient(queries, found, client, { revoked: UNKNOWN_REFRESH_TOKEN });
    // §6: the requested scope MUST NOT include any scope not originally granted.
    const scope = narrowScope(credential.scope, params.scope);
    const [idToken, accessToken] = await Promise.all([
      this.minter.idToken(credential, client),
      this.minter.userAccessToken(credential, client, parseScope(scope)),
    ]);
    return {
      access_token: accessToken.accessToken,
      id_token: idToken.idToken,
      token_type: 'Bearer',
      expires_in: accessToken.expiresIn,
      scope,
    };
  }

  /** RFC 6749 §4.4: a management token with the scopes of the client's grant for the audience. */
  private async clientCredentials(params: TokenParams, client: ClientRecord): Promise<TokenResponse> {
    if (client.clientSecretHash === null) throw unauthorizedClient('client_credentials requires a confidential client.');
    const { config, queries, keys, clock } = this.runtime;
    const audience = params.audience ?? config.managementAudience;
    if (audience !== config.managementAudience) throw accessDenied(`Service not found: ${audience.slice(0, 200)}`);
    const grants = queries.listClientGrants({ clientId: client.clientId, audience });
    if (grants.length === 0) throw accessDenied(`Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`);
    const granted = [...new Set(grants.flatMap((g) => g.scope))].sort();
    let scope = granted;
    if (params.scope !== undefined && params.scope.trim() !== '') {
      const requested = parseScope(params.scope);
      const extra = requested.filter((s) => !granted.includes(s));
      if (extra.length > 0) throw invalidScope(`Scope not granted to this client: ${extra.join(' ').slice(0, 200)}`);
      scope = requested;
    }
    const token = await mintAccessToken({ keyStore: keys, issuer: config.issuer, audience, clientId: client.clientId, scope, clock });
    return { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn, scope: token.scope };
  }
}
