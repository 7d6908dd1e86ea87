import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord } from '@app/read-model';
import { narrowScope, parseScope } from '@app/refresh-tokens';
import { accessDenied, unauthorizedClient } from '../../errors/oauth-error';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { MANAGEMENT_AUDIENCE } from '../../infrastructure/tokens';
import { TokenMinter } from './token-minter';
import type { TokenParams, TokenResponse } from './token-response';

/** RFC 6749 §4.4: a management token with the scopes of the client's grants for the management API. */
@Injectable()
export class ClientCredentialsGrant {
  constructor(
    private readonly reads: ConsistentReads,
    private readonly minter: TokenMinter,
    @Inject(MANAGEMENT_AUDIENCE) private readonly managementAudience: string,
  ) {}

  async grant(params: TokenParams, client: ClientRecord): Promise<TokenResponse> {
    if (client.clientSecretHash === null) throw unauthorizedClient('client_credentials requires a confidential client.');
    const audience = params.audience ?? this.managementAudience;
    if (audience !== this.managementAudience) throw accessDenied(`Service not found: ${audience.slice(0, 200)}`);
    // A grant created on another replica a moment ago: the read catches up before refusing (invariant 9).
    const grants = await this.reads.clientGrants(client.clientId, audience);
    if (grants.length === 0) throw accessDenied(`Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`);
    const granted = [...new Set(grants.flatMap((g) => g.scope))].sort();
    // No scope asked: every granted one; else only granted ones (invalid_scope otherwise), as the refresh grant narrows.
    const scope = parseScope(narrowScope(granted.join(' '), params.scope));
    const bound = grants.map((g) => ({ grantId: g.grantId, revision: g.streamRevision }));
    const token = await this.minter.managementAccessToken(client, audience, scope, bound);
    return { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn, scope: token.scope };
  }
}
