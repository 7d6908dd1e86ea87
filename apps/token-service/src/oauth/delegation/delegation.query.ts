import { Query } from '@nestjs/cqrs';
import type { RateLimitDecision } from '../shared/rate-limiter';

export interface DelegationParams {
  client_id: string;
  grant_type: string;
  refresh_token?: string;
  id_token?: string;
  target?: string;
  scope?: string;
  api_type?: string;
}

export interface DelegationResult {
  body: { token_type: 'Bearer'; expires_in: number; id_token: string };
  rateLimit?: RateLimitDecision;
}

/** Auth0's legacy /delegation: trade a refresh token (or one of our id_tokens) for a new id_token (F5). */
export class DelegationQuery extends Query<DelegationResult> {
  constructor(
    readonly params: DelegationParams,
    readonly clientIp: string,
  ) {
    super();
  }
}
