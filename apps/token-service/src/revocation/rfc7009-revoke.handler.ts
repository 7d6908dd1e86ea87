import { Injectable, Logger } from '@nestjs/common';
import { REVOCATION_REASONS } from '@app/refresh-tokens';
import { ConsistentReads } from '../consistency/consistent-reads';
import { ClientAuthenticator } from '../client-authentication/client-authenticator';
import { CredentialRevoker } from './credential-revoker';
import type { PresentedClient } from '../client-authentication/presented-client';

/**
 * RFC 7009 token revocation by the client that holds the token. No
 * token_type_hint: only refresh tokens are revocable here (§2.1: the hint
 * only speeds up a search, and there is one kind to search).
 */
@Injectable()
export class RevokeTokenHandler {
  private readonly logger = new Logger('RevokeToken');

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly revoker: CredentialRevoker,
    private readonly reads: ConsistentReads,
  ) {}

  /** `clientIp`: failed client authentications are limited per (client id, IP). */
  async execute(token: string, presented: PresentedClient, correlationId: string, clientIp: string): Promise<void> {
    const client = await this.clients.authenticate(presented, clientIp);
    // Only refresh tokens are revocable here: our access and id tokens are
    // self-contained JWTs. Whatever the hint says we look the token up as a
    // refresh token (§2.1: the hint only speeds up the search).
    const credential = await this.reads.refreshToken(token);
    // §2.2: an unknown token, or one of another client (§2.1: "the authorization
    // server ... verifies whether the token was issued to the client making
    // the revocation request"), is answered 200 and not revoked. An already
    // revoked one is the decider's to judge: it appends nothing (invariant 4).
    if (!credential) return;
    if (credential.clientId !== client.clientId) {
      this.logger.warn(`client ${client.clientId} tried to revoke credential ${credential.credentialId} of another client`);
      return;
    }
    await this.revoker.revoke(credential.credentialId, REVOCATION_REASONS.rfc7009, { actor: client.clientId, correlationId });
  }
}
