import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord } from '@app/read-model';
import { narrowScope, parseScope } from '@app/refresh-tokens';
import type { Clock } from '@app/shared';
import { KeyStore, mintAccessToken } from '@app/signing';
import type { AppConfig } from '@app/config';
import { accessDenied, invalidRequest, invalidScope, unauthorizedClient, unsupportedGrantType } from '../../errors/oauth-error';
import { CLOCK, CONFIG } from '../../infrastructure/tokens';
import type { PresentedClient } from '../shared/client-credentials';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { ClientAuthenticator } from '../shared/client-authenticator';
import { credentialForClient, UNKNOWN_REFRESH_TOKEN } from '../shared/credential-check';
import { RateLimits } from '../shared/rate-limits';
import { TokenMinter } from '../shared/token-minter';

export interface TokenParams {
  grant_type: string;
  refresh_token?: string;
  scope?: string;
  audience?: string;
}

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id_token?: string;
}

/** POST /oauth/token: refresh_token (RFC 6749 §6) and client_credentials (§4.4) grants. */
@Injectable()
export class TokenHandler {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly minter: TokenMinter,
    private readonly limits: RateLimits,
    private readonly keys: KeyStore,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ConsistentReads,
  ) {}

  /** `clientIp` (X-Forwarded-For only through TRUST_PROXY) is a rate-limit key. */
  async handle(params: TokenParams, presented: PresentedClient, clientIp: string): Promise<TokenResponse> {
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
    const found = await this.reads.refreshToken(params.refresh_token!);
    // /delegation's budget per (IP, user), counted before the token is judged (guesses count too).
    await this.limits.spendPerUser(clientIp, found?.userId);
    const credential = credentialForClient(found, client, { revoked: UNKNOWN_REFRESH_TOKEN });
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
    const { config, keys, clock } = this;
    const audience = params.audience ?? config.managementAudience;
    if (audience !== config.managementAudience) throw accessDenied(`Service not found: ${audience.slice(0, 200)}`);
    // A grant created on another replica a moment ago: catch up before refusing (invariant 9).
    const grants = await this.reads.clientGrants(client.clientId, audience);
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
