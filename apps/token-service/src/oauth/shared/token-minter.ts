import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord, CredentialRecord } from '@app/read-model';
import { mintAccessToken, mintIdToken, type MintedIdToken } from '@app/signing';
import type { Runtime } from '../../infrastructure/runtime';
import { RUNTIME } from '../../infrastructure/tokens';

/** Mints the tokens the OAuth endpoints hand out, per client configuration (F7). */
@Injectable()
export class TokenMinter {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /** An id_token for the credential's user, signed as the client is configured; `sid` is the credential id. */
  idToken(credential: CredentialRecord, client: ClientRecord, audience: string = client.clientId): Promise<MintedIdToken> {
    const { alg, lifetimeInSeconds } = client.jwtConfiguration;
    return mintIdToken({
      keyStore: this.runtime.keys,
      issuer: this.runtime.config.issuer,
      subject: credential.userId,
      audience,
      azp: client.clientId,
      sid: credential.credentialId,
      lifetimeInSeconds,
      alg,
      hs256Secret: alg === 'HS256' ? this.hs256Secret(client) : undefined,
      clock: this.runtime.clock,
    });
  }

  /**
   * The RFC 6749 §5.1 access_token of a refresh grant: an RFC 9068 JWT for the
   * user, audience `${ISSUER}userinfo`, so it can never pass as a management
   * token (whose audience is `${ISSUER}api/v2/`).
   */
  userAccessToken(credential: CredentialRecord, client: ClientRecord, scope: string[]) {
    return mintAccessToken({
      keyStore: this.runtime.keys,
      issuer: this.runtime.config.issuer,
      audience: `${this.runtime.config.issuer}userinfo`,
      clientId: client.clientId,
      subject: credential.userId,
      scope,
      lifetimeInSeconds: client.jwtConfiguration.lifetimeInSeconds,
      clock: this.runtime.clock,
      grantType: 'refresh_token',
      extraClaims: { sid: credential.credentialId },
    });
  }

  /** The HS256 key of a client: its secret, unsealed for the moment of signing. */
  hs256Secret(client: ClientRecord): string | undefined {
    return client.sealedClientSecret ? this.runtime.sealer.open(client.sealedClientSecret, client.clientId) : undefined;
  }
}
