import { Command } from '@nestjs/cqrs';
import type { PresentedClient } from '../client-authentication/presented-client';

/**
 * RFC 7009 token revocation by the client that holds the token. No
 * token_type_hint: only refresh tokens are revocable here (§2.1: the hint
 * only speeds up a search, and there is one kind to search).
 */
export class RevokeTokenCommand extends Command<void> {
  constructor(
    readonly token: string,
    readonly client: PresentedClient,
    readonly correlationId: string,
    /** The caller's IP: failed client authentications are limited per (client id, IP). */
    readonly clientIp: string,
  ) {
    super();
  }
}
