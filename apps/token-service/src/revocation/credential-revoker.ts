import { Inject, Injectable } from '@nestjs/common';
import type { RefreshTokenCommand, RefreshTokenEvent } from '@app/refresh-tokens';
import type { Clock } from '@app/shared';
import type { CommandOf, DeciderCommandHandler } from '../commands/decider-command-handler';
import { metadataFor, type RequestContext } from '../commands/request-context';
import { CLOCK, REFRESH_TOKEN_COMMANDS } from '../infrastructure/tokens';

export interface RevocationOutcome {
  /** False when the token was already revoked: nothing was appended (invariant 4). */
  revoked: boolean;
  /** Log position of the RefreshTokenRevoked event, when one was appended. */
  position?: number;
}

/**
 * Every revocation path ends here: one RevokeRefreshToken per credential
 * stream, judged by the decider alone (an already revoked token yields no
 * event: invariant 4). The command handler returns once this node's
 * projection shows it (invariant 6).
 */
@Injectable()
export class CredentialRevoker {
  constructor(
    @Inject(REFRESH_TOKEN_COMMANDS) private readonly refreshTokens: DeciderCommandHandler<RefreshTokenCommand, RefreshTokenEvent>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Revokes one credential; throws CREDENTIAL_NOT_FOUND for an unknown id. */
  async revoke(credentialId: string, reason: string, context: RequestContext): Promise<RevocationOutcome> {
    const { id, command, metadata } = this.revocation(credentialId, reason, context);
    const result = await this.refreshTokens.handle(id, command, metadata);
    return { revoked: result.events.length > 0, position: result.position };
  }

  /**
   * Revokes each credential (one stream each, so no cross-stream transaction
   * is needed), a few at a time. A crash half-way leaves the request
   * unanswered; repeating it revokes the rest. Returns how many were revoked now.
   */
  async revokeEach(credentialIds: readonly string[], reason: string, context: RequestContext): Promise<number> {
    const results = await this.refreshTokens.handleEach(credentialIds.map((id) => this.revocation(id, reason, context)));
    return results.filter((r) => r.events.length > 0).length;
  }

  private revocation(credentialId: string, reason: string, context: RequestContext): CommandOf<RefreshTokenCommand> {
    const now = this.clock.now();
    return {
      id: credentialId,
      command: { type: 'RevokeRefreshToken', data: { credentialId, actor: context.actor, reason, now } },
      metadata: metadataFor(context, now, reason),
    };
  }
}
