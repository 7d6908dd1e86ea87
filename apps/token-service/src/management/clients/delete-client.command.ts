import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../commands/request-context';

/** Delete a client: ClientDeleted, then every token of it revoked by `system` (F4). */
export class DeleteClientCommand extends Command<{ revoked: number }> {
  constructor(
    readonly clientId: string,
    /** The caller's reason, recorded in ClientDeleted's metadata; the cascade's revocations say `client_deleted`. */
    readonly reason: string | undefined,
    readonly context: RequestContext,
  ) {
    super();
  }
}
