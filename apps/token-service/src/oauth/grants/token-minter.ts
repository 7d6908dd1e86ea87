import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord, TokenCredential } from '@app/read-model';
import type { Clock } from '@app/shared';
import { type GrantBinding, KeyStore, mintAccessToken, mintIdToken, type MintedIdToken, SecretSealer } from '@app/signing';
import { CLOCK, ISSUER } from '../../infrastructure/tokens';
import { invalidGrant } from '../../errors/oauth-error';

/** Mints the tokens the OAuth endpoints hand out, per client configuration (F7). */
@Injectable()
export class TokenMinter {
  constructor(
    private readonly keys: KeyStore,
    private readonly sealer: SecretSealer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ISSUER) private readonly issuer: string,
  ) {}

  /**
   * An id_token for the credential's user, signed as the client is configured;
   * `sid` is the credential id. `notAfter` (epoch seconds) caps its `exp`: an
   * id_token traded for another never outlives it (null when none is left).
   */
  idToken(
    credential: Pick<TokenCredential, 'credentialId' | 'userId'>,
    client: ClientRecord,
    audience: string = client.clientId,
    notAfter?: number,
  ): Promise<MintedIdToken> {
    const { alg } = client.jwtConfiguration;
    let { lifetimeInSeconds } = client.jwtConfiguration;
    if (notAfter !== undefined) lifetimeInSeconds = Math.min(lifetimeInSeconds, notAfter - Math.floor(this.clock.now().getTime() / 1000));
    if (lifetimeInSeconds < 1) throw invalidGrant('Invalid id_token.', 'the presented id_token has no lifetime left');
    return mintIdToken({
      keyStore: this.keys,
      issuer: this.issuer,
      subject: credential.userId,
      audience,
      azp: client.clientId,
      sid: credential.credentialId,
      lifetimeInSeconds,
      alg,
      hs256Secret: alg === 'HS256' ? this.hs256Secret(client) : undefined,
      clock: this.clock,
    });
  }

  /**
   * The RFC 6749 §5.1 access_token of a refresh grant: an RFC 9068 JWT for the
   * user, audience `${ISSUER}userinfo`, so it can never pass as a management
   * token (whose audience is `${ISSUER}api/v2/`). With `dpopJkt`, bound to that key (`cnf.jkt`).
   */
  userAccessToken(credential: Pick<TokenCredential, 'credentialId' | 'userId'>, client: ClientRecord, scope: string[], dpopJkt?: string) {
    return mintAccessToken({
      keyStore: this.keys,
      issuer: this.issuer,
      audience: `${this.issuer}userinfo`,
      clientId: client.clientId,
      subject: credential.userId,
      scope,
      lifetimeInSeconds: client.jwtConfiguration.lifetimeInSeconds,
      clock: this.clock,
      grantType: 'refresh_token',
      // RFC 9449 §6.1: a DPoP-bound access token names its key's thumbprint.
      extraClaims: { sid: credential.credentialId, ...(dpopJkt !== undefined && { cnf: { jkt: dpopJkt } }) },
    });
  }

  /**
   * An RFC 9068 management access token (`client_credentials`) for `audience` with `scope`,
   * bound to the grants (id and revision) it was minted under: a deleted or changed grant stops it.
   */
  managementAccessToken(client: ClientRecord, audience: string, scope: string[], grants: readonly GrantBinding[]) {
    return mintAccessToken({ keyStore: this.keys, issuer: this.issuer, audience, clientId: client.clientId, scope, clock: this.clock, grants });
  }

  /** The HS256 key of a client: its secret, unsealed for the moment of signing. */
  hs256Secret(client: ClientRecord): string | undefined {
    return client.sealedClientSecret ? this.sealer.open(client.sealedClientSecret, client.clientId) : undefined;
  }
}
