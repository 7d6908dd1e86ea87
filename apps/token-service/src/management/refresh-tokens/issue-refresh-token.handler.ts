import { Inject, Injectable } from '@nestjs/common';
import { ClientNotFoundError, GrantTypeNotAllowedError } from '@app/clients';
import { CredentialQueries } from '@app/read-model';
import { evictions, generateRefreshToken, type IssueRefreshToken, type RefreshTokenCommand, type RefreshTokenEvent, REVOCATION_REASONS } from '@app/refresh-tokens';
import { hashRefreshToken } from '@app/refresh-tokens/secret/token-hash';
import type { Clock, IdGenerator } from '@app/shared';
import { generateCredentialId } from '@app/signing';
import type { DeciderCommandHandler } from '../../commands/decider-command-handler';
import { metadataFor, type RequestContext, SYSTEM_ACTOR } from '../../commands/request-context';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { CLOCK, ID_GENERATOR, REFRESH_TOKEN_COMMANDS } from '../../infrastructure/tokens';
import { ClientDeletionCascade } from '../../revocation/client-deletion-cascade';
import { CredentialRevoker } from '../../revocation/credential-revoker';

export interface IssuedRefreshToken {
  id: string;
  /** The plaintext, shown once (F1); never stored. */
  refreshToken: string;
  clientId: string;
  userId: string;
  deviceId: string;
  deviceName: string;
  scope: string;
  createdAt: string;
  /** The DPoP key the token is bound to (F15). */
  dpopJkt?: string;
}

@Injectable()
export class IssueRefreshTokenHandler {
  constructor(
    @Inject(REFRESH_TOKEN_COMMANDS) private readonly refreshTokens: DeciderCommandHandler<RefreshTokenCommand, RefreshTokenEvent>,
    private readonly queries: CredentialQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly cascade: ClientDeletionCascade,
    private readonly reads: ConsistentReads,
    private readonly revoker: CredentialRevoker,
  ) {}

  async execute(
    input: { clientId: string; userId: string; deviceName: string; deviceId?: string; scope: string; dpopJkt?: string },
    context: RequestContext,
  ): Promise<IssuedRefreshToken> {
    const client = await this.reads.client(input.clientId);
    if (!client) throw new ClientNotFoundError(input.clientId);
    if (!client.grantTypes.includes('refresh_token')) throw new GrantTypeNotAllowedError('refresh_token', 'is not among the client\'s grant types');

    const refreshToken = generateRefreshToken(this.ids);
    const credentialId = generateCredentialId(this.ids);
    const now = this.clock.now();
    // A device without an id of its own is a device of its own.
    const deviceId = input.deviceId ?? credentialId;
    const command: IssueRefreshToken = {
      type: 'IssueRefreshToken',
      data: { ...input, credentialId, deviceId, tokenHash: hashRefreshToken(refreshToken), now, clientRequiresProofOfPossession: client.requireProofOfPossession },
    };
    const result = await this.refreshTokens.handle(credentialId, command, metadataFor(context, now));
    // The client may have been deleted on another replica meanwhile, its cascade
    // listing its tokens before ours landed: once our projection shows both, we
    // revoke what it missed and answer as for a deleted client. (A crash right
    // here is covered by DeletedClientSweeper.)
    if (this.queries.getClient(input.clientId, { includeDeleted: true })?.deletedAt) {
      await this.cascade.run(input.clientId, { correlationId: context.correlationId, causationId: context.causationId });
      throw new ClientNotFoundError(input.clientId);
    }
    const [issued] = result.events;
    if (issued?.type !== 'RefreshTokenIssued') throw new Error(`issuing ${credentialId} appended no RefreshTokenIssued`);
    const { clientId, userId, deviceName, scope, issuedAt } = issued.data;
    await this.evictBeyondCap(userId, clientId, context);
    return { id: credentialId, refreshToken, clientId, userId, deviceId: issued.data.deviceId, deviceName, scope, createdAt: issuedAt, dpopJkt: issued.data.dpopJkt };
  }

  /**
   * The cap (product.md): past MAX_TOKENS_PER_USER_AND_CLIENT unrevoked tokens
   * of this (user, client), as this node's read model shows them now (our own
   * issuance included: the command handler waited for it), the oldest are
   * revoked by `system` with reason `evicted`. Concurrent issuances may each
   * count before the other landed: the count can pass the cap by their number
   * until the next issuance evicts every one beyond it (decisions.md).
   */
  private async evictBeyondCap(userId: string, clientId: string, context: RequestContext): Promise<void> {
    const evicted = evictions(this.queries.validCredentialIds({ userId, clientId }));
    if (evicted.length === 0) return;
    await this.revoker.revokeEach(evicted, REVOCATION_REASONS.evicted, {
      actor: SYSTEM_ACTOR,
      correlationId: context.correlationId,
      causationId: context.causationId,
    });
  }
}
