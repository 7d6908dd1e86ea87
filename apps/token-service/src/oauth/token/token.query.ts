import { Query } from '@nestjs/cqrs';
import type { PresentedClient } from '../shared/client-credentials';

export interface TokenParams {
  grant_type: string;
  refresh_token?: string;
  scope?: string;
  audience?: string;
}

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id_token?: string;
}

/** POST /oauth/token: refresh_token (RFC 6749 §6) and client_credentials (§4.4) grants. */
export class TokenQuery extends Query<TokenResponse> {
  constructor(
    readonly params: TokenParams,
    readonly client: PresentedClient,
    /** The caller's IP (X-Forwarded-For only through TRUST_PROXY): a rate-limit key. */
    readonly clientIp: string,
  ) {
    super();
  }
}
