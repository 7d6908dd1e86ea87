import { Inject, Injectable } from '@nestjs/common';
import { DpopError, type DpopNonces, type JtiReplayCache, verifyDpopProof } from '@app/dpop';
import type { TokenCredential } from '@app/read-model';
import type { Clock } from '@app/shared';
import { dpopKeyRequired, invalidDpopProof, useDpopNonce } from '../../errors/dpop-answers';
import { invalidGrant, type OAuthError } from '../../errors/oauth-error';
import { CLOCK, ISSUER } from '../../infrastructure/tokens';
import { DPOP_NONCES, JTI_REPLAY_CACHE } from './dpop-providers';

/** What the token endpoint hands the exchange: the request's `DPoP` header(s), as Fastify read them. */
export interface PresentedDpop {
  header: string | string[] | undefined;
}

/** The answer at an endpoint that takes no DPoP proof (/delegation). */
export const BOUND_TOKEN_AT_TOKEN_ENDPOINT_ONLY = 'This refresh token is bound to a DPoP key: exchange it at /oauth/token with a DPoP proof.';

/**
 * The DPoP step of the refresh-token exchange (RFC 9449 §5): a token bound to
 * a key is accepted only with a proof of that key; a proof is checked
 * wherever it is sent (an unbound token with a valid proof gets a bound
 * access token, §5: the client asked for one). Every proof must carry a
 * nonce of ours (§8): the first request of a client learns it from a 400
 * `use_dpop_nonce`, each answer then hands out the current one. Refusals
 * never touch the token: nothing is appended.
 */
@Injectable()
export class DpopProof {
  private readonly htu: string;

  constructor(
    @Inject(DPOP_NONCES) private readonly nonces: DpopNonces,
    @Inject(JTI_REPLAY_CACHE) private readonly replayCache: JtiReplayCache,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ISSUER) issuer: string,
  ) {
    // The token endpoint as clients reach it (discovery's token_endpoint), whatever proxy is in between.
    this.htu = `${issuer}oauth/token`;
  }

  /** The nonce to send in `DPoP-Nonce` now. */
  nonce(): string {
    return this.nonces.current(this.clock.now());
  }

  /**
   * The key the minted access token is bound to (`cnf.jkt`), or undefined
   * for a Bearer token. `presented` undefined: the endpoint takes no proof,
   * so a bound token is refused there.
   */
  async check(credential: TokenCredential, presented: PresentedDpop | undefined): Promise<string | undefined> {
    const bound = credential.dpopJkt ?? undefined;
    if (presented === undefined) {
      if (bound) throw invalidGrant(BOUND_TOKEN_AT_TOKEN_ENDPOINT_ONLY, `credential ${credential.credentialId} is DPoP-bound`);
      return undefined;
    }
    const { header } = presented;
    // §4.3 check 1: exactly one DPoP header.
    if (Array.isArray(header)) throw invalidDpopProof(`${header.length} DPoP headers`);
    if (header === undefined) {
      if (bound) throw dpopKeyRequired(`credential ${credential.credentialId} is DPoP-bound; no proof`);
      return undefined;
    }
    const now = this.clock.now();
    try {
      const verified = await verifyDpopProof(header, { htm: 'POST', htu: this.htu, now, expectedJkt: bound, nonces: this.nonces, replayCache: this.replayCache });
      return verified.jkt;
    } catch (error) {
      throw this.refusal(error, credential, now);
    }
  }

  private refusal(error: unknown, credential: TokenCredential, now: Date): OAuthError | unknown {
    if (!(error instanceof DpopError)) return error;
    const detail = `credential ${credential.credentialId}: ${error.message}`;
    switch (error.code) {
      case 'DPOP_PROOF_INVALID':
        return invalidDpopProof(detail);
      case 'DPOP_NONCE_REQUIRED':
        return useDpopNonce(this.nonces.current(now), detail);
      case 'DPOP_KEY_MISMATCH':
        return dpopKeyRequired(detail);
      default: {
        const _never: never = error.code;
        return _never;
      }
    }
  }
}
