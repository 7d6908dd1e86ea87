import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../commands/request-context';

export type RevocationSelector =
  | { kind: 'user'; userId: string; clientId?: string; deviceId?: string }
  | { kind: 'client'; clientId: string };

export interface BulkRevocationOutcome {
  /** Credentials that were valid and are now revoked. */
  revoked: number;
}

/** Revoke every valid credential a selector matches: one event per credential stream. */
export class RevokeManyCommand extends Command<BulkRevocationOutcome> {
  constructor(
    readonly selector: RevocationSelector,
    readonly reason: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
