import { Injectable } from '@nestjs/common';
import type { ClientRecord, TokenCredential } from '@app/read-model';
import { credentialValidity } from '@app/refresh-tokens';
import { invalidGrant } from '../../errors/oauth-error';
import { ConsistentReads } from '../../consistency/consistent-reads';
import { afterSpending, type RateLimitDecision } from '../../rate-limits/rate-limiter';
import { RateLimits } from '../../rate-limits/rate-limits';
import { DpopProof, type PresentedDpop } from './dpop-proof';

/** Descriptions the contract fixes; any other reason for refusing a token goes to the log only. */
export const UNKNOWN_REFRESH_TOKEN = 'Unknown or invalid refresh token.';
export const REVOKED_REFRESH_TOKEN = 'The refresh token has been revoked.';

/** A credential a grant may mint for, and the per-user budget the request spent on it. */
export interface Exchanged {
  credential: TokenCredential;
  rateLimit: RateLimitDecision | undefined;
  /** Epoch seconds a token minted from it may not outlive (when an id_token was presented). */
  notAfter?: number;
  /** The DPoP key the request proved (RFC 9449): the access token is bound to it (`cnf.jkt`). */
  dpopJkt?: string;
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
  ) {}

  /**
   * `revoked`: the description of a revoked token (`/oauth/token` does not tell revoked from unknown).
   * `dpop`: the DPoP header of an endpoint that takes proofs; undefined where none is taken (a bound token is refused there).
   */
  async exchange(refreshToken: string, client: ClientRecord, clientIp: string, revoked = REVOKED_REFRESH_TOKEN, dpop?: PresentedDpop): Promise<Exchanged> {
    const found = await this.reads.refreshToken(refreshToken);
    const rateLimit = await this.limits.spendPerUser(clientIp, found?.userId);
    return afterSpending(rateLimit, async () => {
      if (!found) throw invalidGrant(UNKNOWN_REFRESH_TOKEN, 'no credential with this token hash');
      // RFC 6749 §10.4: a token of another client is answered like an unknown one.
      if (found.clientId !== client.clientId) throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `credential ${found.credentialId} belongs to another client`);
      const credential = requireValid(found, client, revoked);
      const dpopJkt = await this.dpop.check(credential, dpop);
      return { credential, rateLimit, ...(dpopJkt !== undefined && { dpopJkt }) };
    });
  }
}

/**
 * Revoked, or its client deleted (the cascade may not have landed yet):
 * refused, by the domain's rule. `client` is the credential's client as this
 * request read it (the caller checked they match): it is not read again.
 */
export function requireValid(credential: TokenCredential, client: ClientRecord, revoked = REVOKED_REFRESH_TOKEN): TokenCredential {
  const validity = credentialValidity(credential.revokedAt !== null ? 'revoked' : 'active', client.deletedAt !== null ? 'deleted' : 'active');
  if (validity === 'revoked') throw invalidGrant(revoked, `credential ${credential.credentialId} revoked`);
  if (validity !== 'valid') throw invalidGrant(UNKNOWN_REFRESH_TOKEN, `client ${credential.clientId} of credential ${credential.credentialId}: ${validity}`);
  return credential;
}
