import { Injectable } from '@nestjs/common';
import { CredentialQueries } from '@app/read-model';
import type { RequestContext } from '../commands/request-context';
import { CredentialRevoker } from './credential-revoker';

export type RevocationSelector =
  | { kind: 'user'; userId: string; clientId?: string; deviceId?: string }
  | { kind: 'client'; clientId: string };

export interface BulkRevocationOutcome {
  /** Credentials that were valid and are now revoked. */
  revoked: number;
}

/** Revokes every valid credential a selector matches: one event per credential stream. */
@Injectable()
export class RevokeManyHandler {
  constructor(
    private readonly queries: CredentialQueries,
    private readonly revoker: CredentialRevoker,
  ) {}

  async execute(selector: RevocationSelector, reason: string, context: RequestContext): Promise<BulkRevocationOutcome> {
    // A listing, read as it is (see ConsistentReads): a token issued on another replica a moment ago is revoked by repeating the request.
    const ids =
      selector.kind === 'user'
        ? this.queries.validCredentialIds({ userId: selector.userId, clientId: selector.clientId, deviceId: selector.deviceId })
        : this.queries.validCredentialIdsOfClient(selector.clientId);
    return { revoked: await this.revoker.revokeEach(ids, reason, context) };
  }
}
