import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../commands/request-context';

export interface RevocationOutcome {
  /** False when the token was already revoked: nothing was appended (invariant 4). */
  revoked: boolean;
  /** Log position of the RefreshTokenRevoked event, when one was appended. */
  position?: number;
}

/** Revoke one device credential. Throws CREDENTIAL_NOT_FOUND for an unknown id. */
export class RevokeRefreshTokenCommand extends Command<RevocationOutcome> {
  constructor(
    readonly credentialId: string,
    readonly reason: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
