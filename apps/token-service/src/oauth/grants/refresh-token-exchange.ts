import { Injectable } from '@nestjs/common';
import type { ClientRecord, TokenCredential } from '@app/read-model';
import { credentialValidity, familyLifetime, isExpired } from '@app/refresh-tokens';
import { randomUUID } from 'node:crypto';
import { invalidGrant } from '../../errors/oauth-error';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { afterSpending, type RateLimitDecision } from '../../rate-limits/rate-limiter';
import { RateLimits } from '../../rate-limits/rate-limits';
import { DpopProof, type PresentedDpop } from './dpop-proof';
import { REVOKED_REFRESH_TOKEN, ROTATING_REFRESH_TOKEN, UNKNOWN_REFRESH_TOKEN } from './refresh-token-descriptions';
import { RefreshTokenRotation } from './refresh-token-rotation';

export { REVOKED_REFRESH_TOKEN, ROTATING_REFRESH_TOKEN, UNKNOWN_REFRESH_TOKEN };

/** How a grant exchanges: `/delegation` refuses a rotating client's token (its answer has no place for the successor). */
export interface ExchangeOptions {
  /** The description of a revoked token (`/oauth/token` does not tell revoked from unknown). */
  revoked?: string;
  /** False at `/delegation`. */
  rotationAllowed?: boolean;
  /** Names the exchange's events in the log (metadata). */
  correlationId?: string;
  /** The DPoP header of an endpoint that takes proofs; undefined where none is taken (a bound token is refused there). */
  dpop?: PresentedDpop;
}

/** A credential a grant may mint for, and the per-user budget the request spent on it. */
export interface Exchanged {
  credential: TokenCredential;
  rateLimit: RateLimitDecision | undefined;
  /** Epoch seconds a token minted from it may not outlive (when an id_token was presented). */
  notAfter?: number;
  /** The DPoP key the request proved (RFC 9449): the access token is bound to it (`cnf.jkt`). */
  dpopJkt?: string;
  /** The family's successor secret, when the exchange rotated it (or re-answers a rotation inside the window). */
  refreshToken?: string;
}

/**
 * The step both refresh-token grants share (`/oauth/token` refresh_token and
 * `/delegation`): find the credential, spend the per-(IP, user) budget
 * before judging it (guessed tokens count too), match the client, check
 * validity, then DPoP (dpop-proof.ts: a bound token needs a proof of its
 * key). A refusal after the budget was spent carries the decision, so
 * its headers go out with the error (`afterSpending`); the grants run their
 * own remaining work the same way.
 */
@Injectable()
export class RefreshTokenExchange {
  constructor(
    private readonly reads: ConsistentReads,
    private readonly limits: RateLimits,
    private readonly dpop: DpopProof,
    private readonly rotation: RefreshTokenRotation,
  ) {}

  async exchange(refreshToken: string, client: ClientRecord, clientIp: string, options: ExchangeOptions = {}): Promise<Exchanged> {
    const found = await this.reads.refreshToken(refreshToken);
    const rateLimit = await this.limits.spendPerUser(clientIp, found?.userId);
    return afterSpending(rateLimit, async () => {
      if (!found) throw invalidGrant(UNKNOWN_REFRESH_TOKEN, 'no credential with this token hash');
      // RFC 6749 §10.4: a token of another client is answered like an unknown one.
      if (found.clientId !== client.clientId) throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `credential ${found.credentialId} belongs to another client`);
      // Before anything is judged or spent: the token stays usable at /oauth/token.
      if (options.rotationAllowed === false && client.refreshToken.rotationType === 'rotating') {
        throw invalidGrant(ROTATING_REFRESH_TOKEN, `credential ${found.credentialId}: the client rotates its refresh tokens`);
      }
      // Expiry is judged by the rotation step: a read model behind another replica's renewal must not say "expired".
      const credential = requireValid(found, client, undefined, options.revoked);
      // A refused proof spends nothing: DPoP before the rotation, which may write.
      const dpopJkt = await this.dpop.check(credential, options.dpop);
      const rotated = await this.rotation.apply(refreshToken, found, client, options.correlationId ?? randomUUID());
      return { credential, rateLimit, ...(dpopJkt !== undefined && { dpopJkt }), ...rotated };
    });
  }
}

/**
 * Revoked, its client deleted (the cascade may not have landed yet), or
 * expired under the client's policy at `now` (undefined: expiry is judged by
 * the caller): refused, by the domain's rule. `client` is the credential's
 * client as this request read it (the caller checked they match): it is not
 * read again.
 */
export function requireValid(credential: TokenCredential, client: ClientRecord, now: Date | undefined, revoked = REVOKED_REFRESH_TOKEN): TokenCredential {
  const expired = now !== undefined && isExpired(familyLifetime(credential, client.refreshToken), now);
  const validity = credentialValidity(credential.revokedAt !== null ? 'revoked' : 'active', client.deletedAt !== null ? 'deleted' : 'active', expired);
  if (validity === 'revoked') throw invalidGrant(revoked, `credential ${credential.credentialId} revoked`);
  if (validity !== 'valid') throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `client ${credential.clientId} of credential ${credential.credentialId}: ${validity}`);
  return credential;
}
