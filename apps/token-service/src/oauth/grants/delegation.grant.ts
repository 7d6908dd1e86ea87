import { Inject, Injectable } from '@nestjs/common';
import { DELEGATION_ID_TOKEN_GRANT, DELEGATION_REFRESH_TOKEN_GRANT } from '@app/clients';
import type { ClientRecord } from '@app/read-model';
import { parseScope } from '@app/refresh-tokens';
import type { Clock } from '@app/shared';
import { KeyStore, verifyIdToken } from '@app/signing';
import { invalidGrant, invalidRequest, invalidScope, unauthorizedClient } from '../../errors/oauth-error';
import { CLOCK, ISSUER } from '../../infrastructure/tokens';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { ClientAuthenticator } from '../../client-authentication/client-authenticator';
import type { PresentedClient } from '../../client-authentication/presented-client';
import { RateLimited } from '../../http/rate-limit-headers';
import { afterSpending } from '../../rate-limits/rate-limiter';
import { RateLimits } from '../../rate-limits/rate-limits';
import { type Exchanged, RefreshTokenExchange, requireValid, UNKNOWN_REFRESH_TOKEN } from './refresh-token-exchange';
import { TokenMinter } from './token-minter';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TARGET_NOT_ALLOWED = 'The target does not allow this client.';

export interface DelegationParams {
  grant_type: string;
  refresh_token?: string;
  id_token?: string;
  target?: string;
  scope?: string;
  api_type?: string;
}

export interface DelegationResponse {
  token_type: 'Bearer';
  expires_in: number;
  id_token: string;
}

/**
 * Auth0's legacy /delegation: trade a refresh token (or one of our
 * id_tokens) for a new id_token (F5). The hot path: it reads the read model
 * directly, no bus in between.
 */
@Injectable()
export class DelegationGrant {
  private readonly issuer: string;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly exchange: RefreshTokenExchange,
    private readonly minter: TokenMinter,
    private readonly limits: RateLimits,
    private readonly keys: KeyStore,
    @Inject(ISSUER) issuer: string,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ConsistentReads,
  ) {
    this.issuer = issuer;
  }

  /** `presented`: the caller as it identified itself; a confidential client's secret is checked as at /oauth/token. */
  async grant(params: DelegationParams, presented: PresentedClient, clientIp: string): Promise<RateLimited<DelegationResponse>> {
    if (params.grant_type !== JWT_BEARER_GRANT) throw invalidRequest(`grant_type must be ${JWT_BEARER_GRANT}`);
    if ((params.refresh_token === undefined) === (params.id_token === undefined)) {
      throw invalidRequest('Send exactly one of refresh_token and id_token.');
    }
    if (params.api_type !== undefined && params.api_type !== 'app') throw invalidRequest('Unsupported api_type; only "app" is supported.');
    if (params.scope !== undefined && !parseScope(params.scope).includes('openid')) throw invalidScope('scope must include openid.');

    const client = await this.clients.authenticate(presented, clientIp);
    const grant = params.refresh_token !== undefined ? DELEGATION_REFRESH_TOKEN_GRANT : DELEGATION_ID_TOKEN_GRANT;
    if (!client.grantTypes.includes(grant)) throw unauthorizedClient(`The grant type ${grant} is not allowed for this client.`, 400);
    const audience = await this.audience(params.target, client);

    const exchanged = params.refresh_token !== undefined
      ? await this.exchange.exchange(params.refresh_token, client, clientIp, { rotationAllowed: false })
      : await this.fromIdToken(params.id_token!, client, clientIp);
    return afterSpending(exchanged.rateLimit, async () => {
      // An id_token traded for another never outlives it (`notAfter`), so a stolen one cannot be renewed forever.
      const minted = await this.minter.idToken(exchanged.credential, client, audience, exchanged.notAfter);
      return new RateLimited({ token_type: 'Bearer' as const, expires_in: minted.expiresIn, id_token: minted.idToken }, exchanged.rateLimit);
    });
  }

  /**
   * The new token's audience: the caller, or a `target` that lists the caller
   * in its `allowed_clients` (an unknown target gets the same answer).
   */
  private async audience(target: string | undefined, client: ClientRecord): Promise<string> {
    if (target === undefined || target === client.clientId) return client.clientId;
    const found = await this.reads.client(target);
    if (!found || found.deletedAt !== null || !found.allowedClients.includes(client.clientId)) throw invalidRequest(TARGET_NOT_ALLOWED);
    return target;
  }

  /**
   * F5: a valid, unexpired id_token of ours, issued to this client (`azp`),
   * verified with this client's key (its own secret for HS256, else ours),
   * whose credential (`sid`) is this client's, of the user `sub`, and still
   * valid. `target` plays no part: it only sets the new token's audience.
   */
  private async fromIdToken(idToken: string, client: ClientRecord, clientIp: string): Promise<Exchanged> {
    const verified = await verifyIdToken(idToken, {
      keyStore: this.keys,
      issuer: this.issuer,
      clock: this.clock,
      clientId: client.clientId,
      hs256Secret: client.jwtConfiguration.alg === 'HS256' ? this.minter.hs256Secret(client) : undefined,
    }).catch((error: unknown) => {
      throw invalidGrant('Invalid id_token.', error instanceof Error ? error.message : String(error));
    });
    const { sid, sub } = verified.claims;
    const credential = await this.reads.tokenCredential(sid);
    if (!credential || credential.clientId !== client.clientId) throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `no credential ${sid} for this client`);
    if (credential.userId !== sub) throw invalidGrant('Invalid id_token.', `credential ${sid} is not of the user in sub`);
    requireValid(credential, client, this.clock.now());
    return { credential, rateLimit: await this.limits.spendPerUser(clientIp, credential.userId), notAfter: verified.claims.exp };
  }
}
