import { Command } from '@nestjs/cqrs';
import type { PresentedClient } from '../shared/client-credentials';

/** RFC 7009 token revocation by the client that holds the token. */
export class RevokeTokenCommand extends Command<void> {
  constructor(
    readonly token: string,
    readonly tokenTypeHint: string | undefined,
    readonly client: PresentedClient,
    readonly correlationId: string,
  ) {
    super();
  }
}
