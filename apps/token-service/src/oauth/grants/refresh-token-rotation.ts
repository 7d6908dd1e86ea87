import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord, PresentedCredential } from '@app/read-model';
import {
  type ExchangeRefreshToken,
  type RefreshTokenCommand,
  RefreshTokenDomainError,
  type RefreshTokenEvent,
  type RefreshTokenState,
  familyLifetime,
  isExpired,
  recordsUse,
  REVOCATION_REASONS,
} from '@app/refresh-tokens';
import { deriveSuccessor, SUCCESSOR_KEY_INFO } from '@app/refresh-tokens/secret/successor';
import { hashRefreshToken } from '@app/refresh-tokens/secret/token-hash';
import type { Clock } from '@app/shared';
import { SecretSealer } from '@app/signing';
import type { DeciderCommandHandler } from '../../commands/decider-command-handler';
import { metadataFor } from '../../commands/request-context';
import { invalidGrant } from '../../errors/oauth-error';
import { CLOCK, REFRESH_TOKEN_COMMANDS } from '../../infrastructure/tokens';
import { Metrics } from '../../operations/metrics/metrics';
import { UNKNOWN_REFRESH_TOKEN } from './refresh-token-descriptions';

/** What an exchange of a family's secret answers: the successor, when the family rotated (now, or inside the window). */
export interface Rotated {
  refreshToken?: string;
}

/**
 * The policy part of the shared exchange step (decisions.md "Rotation
 * without forks"), lifetimes included. A legacy token's exchange (presented
 * secret is the head, non-rotating, nothing to record, not expired) returns
 * at once: no stream read, no write. Every other exchange is a command on the family's stream, decided
 * by the domain, appended with the expected revision and decided again on a
 * conflict (invariant 12): the loser sees itself as the predecessor inside
 * the window and answers the winner's successor, which it derives again
 * from the data key (never stored).
 */
@Injectable()
export class RefreshTokenRotation {
  private readonly successorKey: Buffer;

  constructor(
    @Inject(REFRESH_TOKEN_COMMANDS) private readonly refreshTokens: DeciderCommandHandler<RefreshTokenCommand, RefreshTokenEvent, RefreshTokenState>,
    @Inject(CLOCK) private readonly clock: Clock,
    sealer: SecretSealer,
    private readonly metrics: Metrics,
  ) {
    this.successorKey = sealer.deriveKey(SUCCESSOR_KEY_INFO);
  }

  /** `found` was found by `presented`'s hash, is the client's and valid by the read model (requireValid). */
  async apply(presented: string, found: PresentedCredential, client: ClientRecord, correlationId: string): Promise<Rotated> {
    const policy = client.refreshToken;
    const now = this.clock.now();
    const isHead = found.presentedGeneration === found.generation;
    if (isHead && policy.rotationType === 'non-rotating' && !recordsUse(found, policy, now)) {
      // The quick path: the read model decides. What it shows expired is judged again from the stream (below),
      // since another replica may have renewed the idle lifetime a moment ago.
      if (!isExpired(familyLifetime(found, policy), now)) return {};
    }

    const presentedHash = hashRefreshToken(presented);
    const successor = deriveSuccessor(this.successorKey, found.credentialId, found.presentedGeneration + 1, presentedHash);
    const successorHash = hashRefreshToken(successor);
    const command: ExchangeRefreshToken = {
      type: 'ExchangeRefreshToken',
      data: { credentialId: found.credentialId, presentedHash, successorHash, policy, now },
    };
    const result = await this.refreshTokens
      .handle(found.credentialId, command, metadataFor({ actor: client.clientId, correlationId }, now))
      .catch((error: unknown) => {
        // Revoked meanwhile, expired by the stream's times: the contract's one description; the reason to the log.
        if (error instanceof RefreshTokenDomainError) throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `credential ${found.credentialId}: ${error.code}`);
        throw error;
      });
    const state = result.state;
    if (state.status !== 'active') {
      const reuse = result.events.some((e) => e.type === 'RefreshTokenRevoked' && e.data.reason === REVOCATION_REASONS.reuseDetected);
      if (reuse) this.metrics.refreshTokenReuseDetected.inc();
      throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `credential ${found.credentialId}: ${reuse ? 'reuse detected, family revoked' : 'revoked'}`);
    }
    return state.headHash === successorHash ? { refreshToken: successor } : {};
  }
}
