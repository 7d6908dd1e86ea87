import { Inject, Injectable } from '@nestjs/common';
import type { RefreshTokenCommand, RefreshTokenEvent, RevokeRefreshToken } from '@app/refresh-tokens';
import type { Clock } from '@app/shared';
import type { DeciderCommandHandler } from '../commands/decider-command-handler';
import { ReadYourWrites } from '../commands/read-your-writes';
import { metadataFor, type RequestContext } from '../commands/request-context';
import { CLOCK, REFRESH_TOKEN_COMMANDS } from '../infrastructure/tokens';
import type { RevocationOutcome } from './revoke-refresh-token.command';

const CONCURRENCY = 8;

/**
 * Every revocation path ends here: one RevokeRefreshToken per credential
 * stream, judged by the decider alone (an already revoked token yields no
 * event: invariant 4), then a bounded wait for this node's projection
 * (invariant 6).
 */
@Injectable()
export class CredentialRevoker {
  constructor(
    @Inject(REFRESH_TOKEN_COMMANDS) private readonly refreshTokens: DeciderCommandHandler<RefreshTokenCommand, RefreshTokenEvent>,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  /** Revokes one credential; throws CREDENTIAL_NOT_FOUND for an unknown id. */
  async revoke(credentialId: string, reason: string, context: RequestContext): Promise<RevocationOutcome> {
    const outcome = await this.append(credentialId, reason, context);
    await this.readYourWrites.waitFor(outcome.position);
    return outcome;
  }

  /**
   * Revokes each credential (one stream each, so no cross-stream transaction
   * is needed), a few at a time, then waits once for the projection to pass
   * the last revocation. A crash half-way leaves the request unanswered;
   * repeating it revokes the rest. Returns how many were revoked now.
   */
  async revokeEach(credentialIds: readonly string[], reason: string, context: RequestContext): Promise<number> {
    let revoked = 0;
    let last: number | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < credentialIds.length) {
        const outcome = await this.append(credentialIds[next++], reason, context);
        if (outcome.revoked) revoked++;
        if (outcome.position !== undefined && (last === undefined || outcome.position > last)) last = outcome.position;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, credentialIds.length) }, worker));
    await this.readYourWrites.waitFor(last);
    return revoked;
  }

  private async append(credentialId: string, reason: string, context: RequestContext): Promise<RevocationOutcome> {
    const now = this.clock.now();
    const command: RevokeRefreshToken = { type: 'RevokeRefreshToken', data: { credentialId, actor: context.actor, reason, now } };
    const result = await this.refreshTokens.handle(credentialId, command, metadataFor(context, now, reason));
    return { revoked: result.events.length > 0, position: result.position };
  }
}
